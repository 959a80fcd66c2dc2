with

mentions as (

    select
        mention_id,
        meeting_id,
        doc_id,
        contact_type,
        has_occurred,
        meeting_date,
        meeting_date_precision,
        location,
        participant_key,
        count_participants,
        evidence,
        evidence_start_char,
        confidence,
        published_date
    from {{ ref('fct_contact_mentions') }}

),

meetings as (

    -- Type, participants and date are identical for all mentions of a meeting.
    select
        meeting_id,
        min(contact_type) as contact_type,
        min(meeting_date) as meeting_date,
        min(meeting_date_precision) as meeting_date_precision,
        min(participant_key) as participant_key,
        min(count_participants) as count_participants,
        bool_or(has_occurred) as has_occurred,
        count(distinct mention_id) as count_mentions,
        count(distinct doc_id) as count_articles,
        min(published_date) as first_reported_date,
        max(published_date) as last_reported_date
    from mentions
    group by meeting_id

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
        meetings.has_occurred,
        meetings.meeting_date,
        meetings.meeting_date_precision,
        ranked_locations.location,
        meetings.participant_key,
        meetings.count_participants,
        meetings.count_mentions,
        meetings.count_articles,
        meetings.first_reported_date,
        meetings.last_reported_date,
        ranked_mentions.mention_id as best_mention_id,
        ranked_mentions.doc_id as best_doc_id,
        ranked_mentions.evidence,
        ranked_mentions.confidence as best_confidence,
        case when meetings.has_occurred then 'occurred' else 'planned' end as status,
        not meetings.has_occurred as is_planned,
        date_trunc('month', meetings.meeting_date)::date as meeting_month
    from meetings
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
    has_occurred,
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
    best_mention_id,
    best_doc_id,
    evidence,
    best_confidence
from final
