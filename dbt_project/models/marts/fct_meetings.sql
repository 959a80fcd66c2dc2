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
    Incremental by meeting: a meeting row depends on its mentions, on its link to an
    occurred meeting and, for an occurred meeting, on the plans that link to it
    (count_announcements, first_announced_date). A run rewrites the meetings that are new,
    whose mentions changed (their count or latest load time: a reload is always newer
    than every earlier load) or whose link changed, and the occurred meetings that such a
    meeting, or a meeting that is gone, links to now or linked to before. The post-hook
    removes meetings that are gone. (Rewriting every meeting of a touched participant set
    instead, as before, rewrote 23,534 meetings for 100 new articles at 100k.)
#}

with

deduplicated as (

    select
        mention_id,
        meeting_id,
        occurred_meeting_id,
        doc_id,
        contact_type,
        status,
        participant_key,
        count_participants,
        meeting_date,
        meeting_date_precision,
        published_date,
        loaded_at
    from {{ ref('int_meetings_deduplicated') }}

),

{% if is_incremental() %}

    meeting_versions as (

        -- The link is the same for all mentions of a meeting.
        select
            meeting_id,
            occurred_meeting_id,
            count(*) as count_mentions,
            max(loaded_at) as last_loaded_at
        from deduplicated
        group by
            meeting_id,
            occurred_meeting_id

    ),

    changed_meetings as (

        select
            meeting_id,
            occurred_meeting_id
        from meeting_versions
        where
            not exists (
                select 1
                from {{ this }} as built
                where
                    built.meeting_id = meeting_versions.meeting_id
                    and built.count_mentions = meeting_versions.count_mentions
                    and built.last_loaded_at = meeting_versions.last_loaded_at
                    and built.occurred_meeting_id is not distinct from meeting_versions.occurred_meeting_id
            )

    ),

    changed_or_gone_built as (

        -- The built rows of changed meetings and of meetings that are gone.
        select
            meeting_id,
            occurred_meeting_id
        from {{ this }}
        where
            meeting_id in (select changed_meetings.meeting_id from changed_meetings)
            or meeting_id not in (select meeting_versions.meeting_id from meeting_versions)

    ),

    affected_meetings as (

        select changed_meetings.meeting_id
        from changed_meetings

        union

        -- The occurred meetings they link to now ...
        select changed_meetings.occurred_meeting_id as meeting_id
        from changed_meetings
        where changed_meetings.occurred_meeting_id is not null

        union

        -- ... and linked to before.
        select changed_or_gone_built.occurred_meeting_id as meeting_id
        from changed_or_gone_built
        where changed_or_gone_built.occurred_meeting_id is not null

    ),

{% endif %}

meeting_mentions as (

    select
        mention_id,
        meeting_id,
        occurred_meeting_id,
        doc_id,
        contact_type,
        status,
        participant_key,
        count_participants,
        meeting_date,
        meeting_date_precision,
        published_date,
        loaded_at
    from deduplicated
    {% if is_incremental() %}
        where meeting_id in (select affected_meetings.meeting_id from affected_meetings)
    {% endif %}

),

mention_details as (

    select
        mention_id,
        location,
        evidence,
        evidence_start_char,
        confidence
    from {{ ref('stg_news__contact_mentions') }}
    where mention_id in (select meeting_mentions.mention_id from meeting_mentions)

),

mentions as (

    select
        meeting_mentions.mention_id,
        meeting_mentions.meeting_id,
        meeting_mentions.occurred_meeting_id,
        meeting_mentions.doc_id,
        meeting_mentions.contact_type,
        meeting_mentions.status,
        meeting_mentions.participant_key,
        meeting_mentions.count_participants,
        meeting_mentions.meeting_date,
        meeting_mentions.meeting_date_precision,
        meeting_mentions.published_date,
        meeting_mentions.loaded_at,
        mention_details.location,
        mention_details.evidence,
        mention_details.evidence_start_char,
        mention_details.confidence
    from meeting_mentions
    inner join mention_details
        on meeting_mentions.mention_id = mention_details.mention_id

),

meetings as (

    -- Type, status, participants, date and link are the same for all mentions of a meeting.
    select
        meeting_id,
        contact_type,
        status,
        meeting_date,
        meeting_date_precision,
        participant_key,
        count_participants,
        occurred_meeting_id,
        count(*) as count_mentions,
        count(distinct doc_id) as count_articles,
        min(published_date) as first_reported_date,
        max(published_date) as last_reported_date,
        max(loaded_at) as last_loaded_at
    from mentions
    group by
        meeting_id,
        contact_type,
        status,
        meeting_date,
        meeting_date_precision,
        participant_key,
        count_participants,
        occurred_meeting_id

),

announcements as (

    -- The planned meetings that turned into each occurred meeting, read from all
    -- mentions: the plans need not be among the meetings rewritten now.
    select
        occurred_meeting_id as meeting_id,
        count(distinct meeting_id) as count_announcements,
        min(published_date) as first_announced_date
    from deduplicated
    where
        occurred_meeting_id is not null
        {% if is_incremental() %}
            and occurred_meeting_id in (select affected_meetings.meeting_id from affected_meetings)
        {% endif %}
    group by occurred_meeting_id

),

location_counts as (

    select
        meeting_id,
        location,
        count(*) as count_mentions,
        max(confidence) as max_confidence
    from mentions
    where location is not null
    group by
        meeting_id,
        location

),

ranked_locations as (

    -- Most frequent location; ties go to the most confident, then alphabetical.
    select
        meeting_id,
        location,
        row_number() over (
            partition by meeting_id
            order by count_mentions desc, max_confidence desc nulls last, location asc
        ) as location_rank
    from location_counts

),

ranked_mentions as (

    -- Best mention: highest confidence, then earliest reported (publication date, then
    -- position in the article), then the id for a stable tie-break.
    select
        meeting_id,
        mention_id,
        doc_id,
        evidence,
        confidence,
        row_number() over (
            partition by meeting_id
            order by
                confidence desc nulls last,
                published_date asc nulls last,
                doc_id asc,
                evidence_start_char asc,
                mention_id asc
        ) as mention_rank
    from mentions

),

final as (

    select
        meetings.meeting_id,
        meetings.contact_type,
        meetings.status,
        meetings.meeting_date,
        meetings.meeting_date_precision,
        ranked_locations.location,
        meetings.participant_key,
        meetings.count_participants,
        meetings.count_mentions,
        meetings.count_articles,
        meetings.first_reported_date,
        meetings.last_reported_date,
        meetings.occurred_meeting_id,
        announcements.first_announced_date,
        ranked_mentions.mention_id as best_mention_id,
        ranked_mentions.doc_id as best_doc_id,
        ranked_mentions.evidence,
        ranked_mentions.confidence as best_confidence,
        meetings.last_loaded_at,
        meetings.status = 'planned' as is_planned,
        date_trunc('month', meetings.meeting_date)::date as meeting_month,
        coalesce(announcements.count_announcements, 0) as count_announcements
    from meetings
    left join announcements
        on meetings.meeting_id = announcements.meeting_id
    left join ranked_locations
        on
            meetings.meeting_id = ranked_locations.meeting_id
            and ranked_locations.location_rank = 1
    left join ranked_mentions
        on
            meetings.meeting_id = ranked_mentions.meeting_id
            and ranked_mentions.mention_rank = 1

)

select
    meeting_id,
    contact_type,
    status,
    is_planned,
    meeting_date,
    meeting_date_precision,
    meeting_month,
    location,
    participant_key,
    count_participants,
    count_mentions,
    count_articles,
    first_reported_date,
    last_reported_date,
    occurred_meeting_id,
    count_announcements,
    first_announced_date,
    best_mention_id,
    best_doc_id,
    evidence,
    best_confidence,
    last_loaded_at
from final
