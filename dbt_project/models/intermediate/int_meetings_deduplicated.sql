{#
    The merge of contact mentions into distinct real-world contacts ("meetings").
    The rules are written down in _intermediate__models.yml and unit-tested there.
#}

with

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
        count_participants,
        -- A mention without participants cannot be matched to anything: its own group.
        coalesce(participant_key, '#' || mention_id) as merge_key
    from {{ ref('int_contact_mentions__participant_sets') }}

),

day_meetings as (

    -- Step 1: day-precision mentions meet on their day; one meeting per distinct day.
    select distinct
        contact_type,
        merge_key,
        contact_month,
        contact_date as meeting_date
    from mentions
    where contact_date_precision = 'day'

),

day_meetings_per_month as (

    select
        contact_type,
        merge_key,
        contact_month,
        count(*) as count_day_meetings,
        min(meeting_date) as first_meeting_date
    from day_meetings
    group by
        contact_type,
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
            and mentions.merge_key = day_meetings_per_month.merge_key
            and mentions.contact_month = day_meetings_per_month.contact_month
    where mentions.contact_date_precision = 'month'

),

dated_mentions as (

    select
        mentions.mention_id,
        mentions.contact_type,
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
        merge_key,
        count(distinct meeting_anchor) as count_dated_meetings,
        min(meeting_anchor) as first_meeting_anchor,
        min(meeting_date) as first_meeting_date,
        min(meeting_date_precision) as first_meeting_date_precision
    from dated_mentions
    group by
        contact_type,
        merge_key

),

undated_anchors as (

    -- Step 3: an undated mention joins the only meeting of its (type, participant set)
    -- when there is exactly one; otherwise all undated mentions of the group form one
    -- undated meeting.
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

final as (

    select
        mentions.mention_id,
        md5(
            mentions.contact_type
            || '|' || mentions.merge_key
            || '|' || anchors.meeting_anchor
        ) as meeting_id,
        mentions.doc_id,
        mentions.contact_type,
        mentions.status,
        mentions.participant_key,
        mentions.count_participants,
        mentions.contact_date,
        mentions.contact_date_precision,
        anchors.meeting_anchor,
        anchors.meeting_date,
        anchors.meeting_date_precision
    from mentions
    inner join anchors
        on mentions.mention_id = anchors.mention_id

)

select
    mention_id,
    meeting_id,
    doc_id,
    contact_type,
    status,
    participant_key,
    count_participants,
    contact_date,
    contact_date_precision,
    meeting_anchor,
    meeting_date,
    meeting_date_precision
from final
