{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='doc_id',
        on_schema_change='fail',
        post_hook="{{ delete_rows_missing_upstream(ref('int_articles__load_versions'), ['doc_id', 'loaded_at']) }}",
    )
}}

{#
    Incremental by article: a run processes only the articles whose current version
    (loaded_at) is not in the table yet, i.e. new, re-ingested or re-extracted ones, and
    replaces all their rows (delete+insert on doc_id). The post-hook removes the rows of
    articles that are gone or no longer have contacts.
#}

with

article_versions as (

    select
        doc_id,
        published_date,
        loaded_at
    from {{ ref('int_articles__load_versions') }} as current_versions
    {% if is_incremental() %}
        where
            not exists (
                select 1
                from {{ this }} as built
                where
                    built.doc_id = current_versions.doc_id
                    and built.loaded_at = current_versions.loaded_at
            )
    {% endif %}

),

mentions as (

    select
        stg_mentions.mention_id,
        stg_mentions.doc_id,
        stg_mentions.contact_type,
        stg_mentions.status,
        stg_mentions.contact_date,
        stg_mentions.contact_date_precision,
        stg_mentions.contact_month,
        article_versions.published_date,
        article_versions.loaded_at
    from {{ ref('stg_news__contact_mentions') }} as stg_mentions
    inner join article_versions
        on stg_mentions.doc_id = article_versions.doc_id

),

participant_sets as (

    select
        mention_id,
        -- Binary (code point) order, the same order as Python's sorted() in SCHEMA.md.
        string_agg(distinct actor_id, ';' order by actor_id) as participant_key,
        count(distinct actor_id) as count_participants
    from {{ ref('stg_news__contact_participants') }}
    where mention_id in (select mentions.mention_id from mentions)
    group by mention_id

),

topic_counts as (

    select
        mention_id,
        count(*) as count_topics
    from {{ ref('stg_news__contact_topics') }}
    where mention_id in (select mentions.mention_id from mentions)
    group by mention_id

),

joined as (

    select
        mentions.mention_id,
        mentions.doc_id,
        mentions.contact_type,
        mentions.status,
        mentions.contact_date,
        mentions.contact_date_precision,
        mentions.contact_month,
        participant_sets.participant_key,
        mentions.published_date,
        mentions.loaded_at,
        coalesce(participant_sets.count_participants, 0) as count_participants,
        coalesce(topic_counts.count_topics, 0) as count_topics,
        -- A mention without participants cannot be matched to anything: its own group.
        coalesce(participant_sets.participant_key, '#' || mentions.mention_id) as merge_key
    from mentions
    left join participant_sets
        on mentions.mention_id = participant_sets.mention_id
    left join topic_counts
        on mentions.mention_id = topic_counts.mention_id

)

select
    mention_id,
    doc_id,
    contact_type,
    status,
    contact_date,
    contact_date_precision,
    contact_month,
    participant_key,
    merge_key,
    count_participants,
    count_topics,
    published_date,
    loaded_at
from joined
