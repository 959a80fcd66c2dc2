{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='meeting_id',
        on_schema_change='append_new_columns',
        post_hook="{{ delete_rows_missing_upstream(ref('int_meetings_deduplicated'), ['meeting_id'], 'upstream.count_topics > 0') }}",
    )
}}

{#
    Incremental by meeting: a meeting's topic rows depend only on its mentions that carry
    topics. Their total count of topic tags and latest load time (summed and maxed over the
    meeting's rows here, over its tagged mentions upstream) tell which meetings changed.
#}

with

deduplicated as (

    select
        mention_id,
        meeting_id,
        doc_id,
        contact_type,
        status,
        count_topics,
        meeting_date,
        loaded_at
    from {{ ref('int_meetings_deduplicated') }}
    where count_topics > 0

),

{% if is_incremental() %}

    meeting_versions as (

        select
            meeting_id,
            sum(count_topics) as count_topic_tags,
            max(loaded_at) as last_loaded_at
        from deduplicated
        group by meeting_id

    ),

    built_versions as (

        select
            meeting_id,
            sum(count_mentions) as count_topic_tags,
            max(last_loaded_at) as last_loaded_at
        from {{ this }}
        group by meeting_id

    ),

    changed_meetings as (

        select meeting_versions.meeting_id
        from meeting_versions
        left join built_versions
            on meeting_versions.meeting_id = built_versions.meeting_id
        where
            built_versions.meeting_id is null
            or built_versions.count_topic_tags != meeting_versions.count_topic_tags
            or built_versions.last_loaded_at != meeting_versions.last_loaded_at

    ),

{% endif %}

meeting_mentions as (

    select
        mention_id,
        meeting_id,
        doc_id,
        contact_type,
        status,
        meeting_date,
        loaded_at
    from deduplicated
    {% if is_incremental() %}
        where meeting_id in (select changed_meetings.meeting_id from changed_meetings)
    {% endif %}

),

topics as (

    select
        mention_id,
        topic
    from {{ ref('stg_news__contact_topics') }}
    where mention_id in (select meeting_mentions.mention_id from meeting_mentions)

),

aggregated as (

    -- Type, status and date are the same for all mentions of a meeting.
    select
        meeting_mentions.meeting_id,
        topics.topic,
        meeting_mentions.contact_type,
        meeting_mentions.status,
        meeting_mentions.meeting_date,
        count(distinct meeting_mentions.mention_id) as count_mentions,
        count(distinct meeting_mentions.doc_id) as count_articles,
        max(meeting_mentions.loaded_at) as last_loaded_at
    from topics
    inner join meeting_mentions
        on topics.mention_id = meeting_mentions.mention_id
    group by
        meeting_mentions.meeting_id,
        topics.topic,
        meeting_mentions.contact_type,
        meeting_mentions.status,
        meeting_mentions.meeting_date

)

select
    meeting_id,
    topic,
    count_mentions,
    count_articles,
    contact_type,
    status,
    meeting_date,
    date_trunc('month', meeting_date)::date as meeting_month,
    last_loaded_at
from aggregated
