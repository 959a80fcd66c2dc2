{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='meeting_id',
        on_schema_change='append_new_columns',
        post_hook="{{ delete_rows_missing_upstream(ref('int_meetings_deduplicated'), ['meeting_id']) }}",
    )
}}

{#
    Incremental by meeting: the rows of a meeting are rewritten when its mentions change.
    Every mention of a meeting lists the same participants, so each row's count_mentions
    and last_loaded_at are the meeting's own and tell which meetings changed.
#}

with

deduplicated as (

    select
        mention_id,
        meeting_id,
        contact_type,
        status,
        count_participants,
        meeting_date,
        meeting_date_precision,
        loaded_at
    from {{ ref('int_meetings_deduplicated') }}
    where count_participants > 0

),

{% if is_incremental() %}

    meeting_versions as (

        select
            meeting_id,
            count(*) as count_mentions,
            max(loaded_at) as last_loaded_at
        from deduplicated
        group by meeting_id

    ),

    changed_meetings as (

        select meeting_id
        from meeting_versions
        where
            not exists (
                select 1
                from {{ this }} as built
                where
                    built.meeting_id = meeting_versions.meeting_id
                    and built.count_mentions = meeting_versions.count_mentions
                    and built.last_loaded_at = meeting_versions.last_loaded_at
            )

    ),

{% endif %}

meeting_mentions as (

    select
        mention_id,
        meeting_id,
        contact_type,
        status,
        meeting_date,
        meeting_date_precision,
        loaded_at
    from deduplicated
    {% if is_incremental() %}
        where meeting_id in (select changed_meetings.meeting_id from changed_meetings)
    {% endif %}

),

participants as (

    select
        mention_id,
        actor_id,
        actor_kind,
        country_iso3,
        role,
        is_kb_linked
    from {{ ref('stg_news__contact_participants') }}
    where mention_id in (select meeting_mentions.mention_id from meeting_mentions)

),

participant_mentions as (

    select
        meeting_mentions.meeting_id,
        meeting_mentions.contact_type,
        meeting_mentions.status,
        meeting_mentions.meeting_date,
        meeting_mentions.meeting_date_precision,
        meeting_mentions.loaded_at,
        participants.mention_id,
        participants.actor_id,
        participants.actor_kind,
        participants.country_iso3,
        participants.role,
        participants.is_kb_linked
    from participants
    inner join meeting_mentions
        on participants.mention_id = meeting_mentions.mention_id

),

aggregated as (

    -- Type, status and date are the same for all mentions of a meeting.
    select
        meeting_id,
        actor_id,
        contact_type,
        status,
        meeting_date,
        meeting_date_precision,
        count(distinct mention_id) as count_mentions,
        bool_or(is_kb_linked) as is_kb_linked,
        max(loaded_at) as last_loaded_at
    from participant_mentions
    group by
        meeting_id,
        actor_id,
        contact_type,
        status,
        meeting_date,
        meeting_date_precision

),

attribute_counts as (

    -- How the articles described the actor in this meeting; the most frequent wins.
    select
        meeting_id,
        actor_id,
        actor_kind,
        country_iso3,
        role,
        count(*) as count_mentions
    from participant_mentions
    group by
        meeting_id,
        actor_id,
        actor_kind,
        country_iso3,
        role

),

ranked_attributes as (

    select
        meeting_id,
        actor_id,
        actor_kind,
        country_iso3,
        role,
        row_number() over (
            partition by meeting_id, actor_id
            order by
                count_mentions desc,
                role is null asc,
                country_iso3 is null asc,
                actor_kind asc,
                country_iso3 asc,
                role asc
        ) as attribute_rank
    from attribute_counts

),

final as (

    select
        aggregated.meeting_id,
        aggregated.actor_id,
        ranked_attributes.actor_kind,
        ranked_attributes.country_iso3,
        ranked_attributes.role,
        aggregated.is_kb_linked,
        aggregated.count_mentions,
        aggregated.contact_type,
        aggregated.status,
        aggregated.meeting_date,
        aggregated.meeting_date_precision,
        aggregated.last_loaded_at,
        date_trunc('month', aggregated.meeting_date)::date as meeting_month
    from aggregated
    left join ranked_attributes
        on
            aggregated.meeting_id = ranked_attributes.meeting_id
            and aggregated.actor_id = ranked_attributes.actor_id
            and ranked_attributes.attribute_rank = 1

)

select
    meeting_id,
    actor_id,
    actor_kind,
    country_iso3,
    role,
    is_kb_linked,
    count_mentions,
    contact_type,
    status,
    meeting_date,
    meeting_date_precision,
    meeting_month,
    last_loaded_at
from final
