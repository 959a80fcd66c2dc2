with

meetings as (

    select
        meeting_id,
        status,
        meeting_month,
        first_reported_date
    from {{ ref('fct_meetings') }}

),

meeting_mentions as (

    select
        mention_id,
        meeting_id,
        doc_id
    from {{ ref('int_meetings_deduplicated') }}

),

topics as (

    select
        mention_id,
        topic
    from {{ ref('stg_news__contact_topics') }}

),

participants as (

    select
        meeting_id,
        actor_id
    from {{ ref('fct_meeting_participants') }}

),

meeting_months as (

    -- macros/reporting_month.sql: meetings with no month and no article date are left out.
    select
        meeting_id,
        status,
        {{ reporting_month() }} as meeting_month,
        meeting_month is null as is_dated_by_publication
    from meetings
    where {{ reporting_month() }} is not null

),

topic_mentions as (

    select
        meeting_months.meeting_month,
        topics.topic,
        meeting_months.meeting_id,
        meeting_months.status,
        meeting_months.is_dated_by_publication,
        meeting_mentions.doc_id
    from topics
    inner join meeting_mentions
        on topics.mention_id = meeting_mentions.mention_id
    inner join meeting_months
        on meeting_mentions.meeting_id = meeting_months.meeting_id

),

topic_meetings as (

    -- One row per meeting and topic; status and dating belong to the meeting.
    select distinct
        meeting_month,
        topic,
        meeting_id,
        status,
        is_dated_by_publication
    from topic_mentions

),

topic_actors as (

    select
        topic_meetings.meeting_month,
        topic_meetings.topic,
        count(distinct participants.actor_id) as count_actors
    from topic_meetings
    inner join participants
        on topic_meetings.meeting_id = participants.meeting_id
    group by
        topic_meetings.meeting_month,
        topic_meetings.topic

),

-- Meetings are counted from topic_meetings (one row per meeting) with count(*), articles
-- from their distinct rows apart: five count(distinct ...) over topic_mentions in one
-- aggregate took twice as long.
meeting_counts as (

    select
        meeting_month,
        topic,
        count(*) as count_meetings,
        count(*) filter (where status = 'occurred') as count_meetings_occurred,
        count(*) filter (where status = 'planned') as count_meetings_planned,
        count(*) filter (where is_dated_by_publication) as count_meetings_dated_by_publication
    from topic_meetings
    group by
        meeting_month,
        topic

),

article_counts as (

    select
        meeting_month,
        topic,
        count(doc_id) as count_articles
    from (
        select distinct
            meeting_month,
            topic,
            doc_id
        from topic_mentions
    ) as topic_articles
    group by
        meeting_month,
        topic

),

counts as (

    select
        meeting_counts.meeting_month,
        meeting_counts.topic,
        meeting_counts.count_meetings,
        meeting_counts.count_meetings_occurred,
        meeting_counts.count_meetings_planned,
        meeting_counts.count_meetings_dated_by_publication,
        article_counts.count_articles
    from meeting_counts
    inner join article_counts
        on
            meeting_counts.meeting_month = article_counts.meeting_month
            and meeting_counts.topic = article_counts.topic

),

final as (

    select
        counts.meeting_month,
        counts.topic,
        counts.count_meetings,
        counts.count_meetings_occurred,
        counts.count_meetings_planned,
        counts.count_meetings_dated_by_publication,
        counts.count_articles,
        coalesce(topic_actors.count_actors, 0) as count_actors
    from counts
    left join topic_actors
        on
            counts.meeting_month = topic_actors.meeting_month
            and counts.topic = topic_actors.topic

)

select
    meeting_month,
    topic,
    count_meetings,
    count_meetings_occurred,
    count_meetings_planned,
    count_meetings_dated_by_publication,
    count_articles,
    count_actors
from final
