{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['contact_type', 'merge_key'],
        on_schema_change='fail',
        post_hook="{{ delete_rows_missing_upstream(ref('int_contact_mentions__participant_sets'), ['mention_id', 'loaded_at']) }}",
    )
}}

{#
    The merge of contact mentions into distinct real-world contacts ("meetings") and the
    link of planned meetings to the occurred ones. The rules are written down in
    _intermediate__models.yml and unit-tested there.

    Both only ever look inside one group, a contact type and participant set
    (contact_type, merge_key), so the model is incremental by group: a run recomputes the
    groups that gained, lost or reloaded a mention since the last build and leaves the
    others alone. The post-hook removes groups whose last mention is gone.
#}

with

participant_sets as (

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
    from {{ ref('int_contact_mentions__participant_sets') }}

),

{% if is_incremental() %}

    affected_groups as (

        -- Groups with a new or reloaded mention ...
        select
            contact_type,
            merge_key
        from participant_sets
        where
            not exists (
                select 1
                from {{ this }} as built
                where
                    built.mention_id = participant_sets.mention_id
                    and built.loaded_at = participant_sets.loaded_at
            )

        union

        -- ... and groups that lost a mention (removed, or reloaded into another group).
        select
            built.contact_type,
            built.merge_key
        from {{ this }} as built
        where
            not exists (
                select 1
                from participant_sets
                where
                    participant_sets.mention_id = built.mention_id
                    and participant_sets.loaded_at = built.loaded_at
            )

    ),

{% endif %}

mentions as (

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
    from participant_sets
    {% if is_incremental() %}
        where
            (contact_type, merge_key) in (
                select
                    affected_groups.contact_type,
                    affected_groups.merge_key
                from affected_groups
            )
    {% endif %}

),

day_meetings as (

    -- Step 1: day-precision mentions meet on their day; one meeting per distinct day.
    select distinct
        contact_type,
        status,
        merge_key,
        contact_month,
        contact_date as meeting_date
    from mentions
    where contact_date_precision = 'day'

),

day_meetings_per_month as (

    select
        contact_type,
        status,
        merge_key,
        contact_month,
        count(*) as count_day_meetings,
        min(meeting_date) as first_meeting_date
    from day_meetings
    group by
        contact_type,
        status,
        merge_key,
        contact_month

),

dated_anchors as (

    select
        mention_id,
        contact_date as meeting_date,
        'day' as meeting_date_precision
    from mentions
    where contact_date_precision = 'day'

    union all

    -- Step 2: a month-precision mention joins the day meeting of its month when that
    -- month has exactly one; otherwise it is (part of) a month-level meeting.
    select
        mentions.mention_id,
        case
            when day_meetings_per_month.count_day_meetings = 1
                then day_meetings_per_month.first_meeting_date
            else mentions.contact_month
        end as meeting_date,
        case
            when day_meetings_per_month.count_day_meetings = 1 then 'day'
            else 'month'
        end as meeting_date_precision
    from mentions
    left join day_meetings_per_month
        on
            mentions.contact_type = day_meetings_per_month.contact_type
            and mentions.status = day_meetings_per_month.status
            and mentions.merge_key = day_meetings_per_month.merge_key
            and mentions.contact_month = day_meetings_per_month.contact_month
    where mentions.contact_date_precision = 'month'

),

dated_mentions as (

    select
        mentions.mention_id,
        mentions.contact_type,
        mentions.status,
        mentions.merge_key,
        dated_anchors.meeting_date,
        dated_anchors.meeting_date_precision,
        case dated_anchors.meeting_date_precision
            when 'day' then strftime(dated_anchors.meeting_date, '%Y-%m-%d')
            else strftime(dated_anchors.meeting_date, '%Y-%m')
        end as meeting_anchor
    from mentions
    inner join dated_anchors
        on mentions.mention_id = dated_anchors.mention_id

),

dated_meetings_per_group as (

    select
        contact_type,
        status,
        merge_key,
        count(distinct meeting_anchor) as count_dated_meetings,
        min(meeting_anchor) as first_meeting_anchor,
        min(meeting_date) as first_meeting_date,
        min(meeting_date_precision) as first_meeting_date_precision
    from dated_mentions
    group by
        contact_type,
        status,
        merge_key

),

undated_anchors as (

    -- Step 3: an undated mention joins the only meeting of its type, status and
    -- participant set when there is exactly one; otherwise all undated mentions of the
    -- group form one undated meeting.
    select
        mentions.mention_id,
        case
            when dated_meetings_per_group.count_dated_meetings = 1
                then dated_meetings_per_group.first_meeting_date
        end as meeting_date,
        case
            when dated_meetings_per_group.count_dated_meetings = 1
                then dated_meetings_per_group.first_meeting_date_precision
        end as meeting_date_precision,
        case
            when dated_meetings_per_group.count_dated_meetings = 1
                then dated_meetings_per_group.first_meeting_anchor
            else 'undated'
        end as meeting_anchor
    from mentions
    left join dated_meetings_per_group
        on
            mentions.contact_type = dated_meetings_per_group.contact_type
            and mentions.status = dated_meetings_per_group.status
            and mentions.merge_key = dated_meetings_per_group.merge_key
    where mentions.contact_date is null

),

anchors as (

    select
        mention_id,
        meeting_date,
        meeting_date_precision,
        meeting_anchor
    from dated_mentions

    union all

    select
        mention_id,
        meeting_date,
        meeting_date_precision,
        meeting_anchor
    from undated_anchors

),

clustered as (

    select
        mentions.mention_id,
        mentions.doc_id,
        mentions.contact_type,
        mentions.status,
        mentions.participant_key,
        mentions.merge_key,
        mentions.count_participants,
        mentions.count_topics,
        mentions.contact_date,
        mentions.contact_date_precision,
        mentions.published_date,
        mentions.loaded_at,
        anchors.meeting_anchor,
        anchors.meeting_date,
        anchors.meeting_date_precision,
        md5(
            mentions.contact_type
            || '|' || mentions.status
            || '|' || mentions.merge_key
            || '|' || anchors.meeting_anchor
        ) as meeting_id
    from mentions
    inner join anchors
        on mentions.mention_id = anchors.mention_id

),

meetings as (

    select
        meeting_id,
        contact_type,
        status,
        merge_key,
        meeting_date,
        meeting_date_precision,
        -- The last day the meeting can have been on (month precision: the month's end).
        case
            when meeting_date_precision = 'month' then last_day(meeting_date)
            else meeting_date
        end as meeting_latest_date,
        min(published_date) as first_reported_date,
        max(published_date) as last_reported_date
    from clustered
    group by
        meeting_id,
        contact_type,
        status,
        merge_key,
        meeting_date,
        meeting_date_precision

),

occurred_meetings as (

    select
        meeting_id,
        contact_type,
        merge_key,
        meeting_date,
        meeting_date_precision,
        meeting_latest_date,
        last_reported_date
    from meetings
    where status = 'occurred'

),

planned_meetings as (

    select
        meeting_id,
        contact_type,
        merge_key,
        meeting_date,
        meeting_date_precision,
        first_reported_date
    from meetings
    where status = 'planned'

),

{#
    The link rule in four ranks; the lowest rank wins. Each rank is found without pairing
    every plan of a group with every occurred meeting of it: a group such as one leader's
    visits holds thousands of each, and that pairing (millions of rows at 100k articles)
    was most of this model's time.
#}

day_links as (

    -- Rank 1: a plan for a day, the occurred meeting of that day; rank 2: the one known
    -- only to be in that day's month. Meeting ids are unique per anchor, so each rank has
    -- at most one candidate.
    select
        planned_meetings.meeting_id,
        occurred_meetings.meeting_id as occurred_meeting_id,
        case occurred_meetings.meeting_date_precision when 'day' then 1 else 2 end as link_rank
    from planned_meetings
    inner join occurred_meetings
        on
            planned_meetings.contact_type = occurred_meetings.contact_type
            and planned_meetings.merge_key = occurred_meetings.merge_key
            and (
                (
                    occurred_meetings.meeting_date_precision = 'day'
                    and planned_meetings.meeting_date = occurred_meetings.meeting_date
                )
                or (
                    occurred_meetings.meeting_date_precision = 'month'
                    and occurred_meetings.meeting_date = date_trunc('month', planned_meetings.meeting_date)
                )
            )
    where planned_meetings.meeting_date_precision = 'day'

),

later_link_thresholds as (

    -- Rank 3: a plan for a month, the first occurred meeting (by date, precision, id) that
    -- can have been in that month or later; an undated plan, the first one not before the
    -- plan was first reported (any dated one when no reporting article is dated). Both
    -- are "the least occurred meeting whose latest date is at or after the plan's
    -- threshold": occurred meetings and plans in one list by that date, latest first,
    -- where a running minimum over the occurred ones answers every plan.
    select
        contact_type,
        merge_key,
        meeting_latest_date as threshold_date,
        null as meeting_id,
        struct_pack(
            meeting_date := meeting_date,
            meeting_date_precision := meeting_date_precision,
            meeting_id := meeting_id
        ) as candidate
    from occurred_meetings
    where meeting_date is not null

    union all

    select
        contact_type,
        merge_key,
        coalesce(
            case when meeting_date_precision = 'month' then meeting_date else first_reported_date end,
            '-infinity'::date
        ) as threshold_date,
        meeting_id,
        null as candidate
    from planned_meetings
    where meeting_date_precision = 'month' or meeting_date is null

),

later_links as (

    select
        meeting_id,
        struct_extract(first_candidate, 'meeting_id') as occurred_meeting_id,
        3 as link_rank
    from (
        select
            meeting_id,
            -- The default frame runs from the latest date to this row's peers included,
            -- so an occurred meeting whose latest date is the threshold counts.
            min(candidate) over (
                partition by contact_type, merge_key
                order by threshold_date desc
            ) as first_candidate
        from later_link_thresholds
    ) as running
    where meeting_id is not null and first_candidate is not null

),

groups_with_dated_occurred as (

    select distinct
        contact_type,
        merge_key
    from occurred_meetings
    where meeting_date is not null

),

undated_links as (

    -- Rank 4: no occurred meeting of the group has a date: its undated one (at most one
    -- per group), unless it was reported only before the plan was.
    select
        planned_meetings.meeting_id,
        occurred_meetings.meeting_id as occurred_meeting_id,
        4 as link_rank
    from planned_meetings
    inner join occurred_meetings
        on
            planned_meetings.contact_type = occurred_meetings.contact_type
            and planned_meetings.merge_key = occurred_meetings.merge_key
    left join groups_with_dated_occurred
        on
            planned_meetings.contact_type = groups_with_dated_occurred.contact_type
            and planned_meetings.merge_key = groups_with_dated_occurred.merge_key
    where
        occurred_meetings.meeting_date is null
        and groups_with_dated_occurred.merge_key is null
        and (
            planned_meetings.first_reported_date is null
            or occurred_meetings.last_reported_date is null
            or occurred_meetings.last_reported_date >= planned_meetings.first_reported_date
        )

),

links as (

    select
        meeting_id,
        occurred_meeting_id
    from (
        select
            meeting_id,
            occurred_meeting_id,
            link_rank
        from day_links
        union all
        select
            meeting_id,
            occurred_meeting_id,
            link_rank
        from later_links
        union all
        select
            meeting_id,
            occurred_meeting_id,
            link_rank
        from undated_links
    ) as ranked
    qualify row_number() over (partition by meeting_id order by link_rank asc) = 1

),

final as (

    select
        clustered.mention_id,
        clustered.meeting_id,
        links.occurred_meeting_id,
        clustered.doc_id,
        clustered.contact_type,
        clustered.status,
        clustered.participant_key,
        clustered.merge_key,
        clustered.count_participants,
        clustered.count_topics,
        clustered.contact_date,
        clustered.contact_date_precision,
        clustered.meeting_anchor,
        clustered.meeting_date,
        clustered.meeting_date_precision,
        clustered.published_date,
        clustered.loaded_at
    from clustered
    left join links
        on clustered.meeting_id = links.meeting_id

)

select
    mention_id,
    meeting_id,
    occurred_meeting_id,
    doc_id,
    contact_type,
    status,
    participant_key,
    merge_key,
    count_participants,
    count_topics,
    contact_date,
    contact_date_precision,
    meeting_anchor,
    meeting_date,
    meeting_date_precision,
    published_date,
    loaded_at
from final
