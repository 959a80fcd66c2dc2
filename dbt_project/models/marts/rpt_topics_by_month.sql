with

meetings as (

    select
        meeting_id,
        has_occurred,
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

meeting_months as (

    -- The meeting's own month, else the month its first article was published.
    -- Meetings with neither are left out.
    select
        meeting_id,
        has_occurred,
        coalesce(
            meeting_month,
            date_trunc('month', first_reported_date)::date
        ) as meeting_month,
        meeting_month is null as is_dated_by_publication
    from meetings
    where coalesce(meeting_month, first_reported_date) is not null

),

topic_mentions as (

    select
        meeting_months.meeting_month,
        topics.topic,
        meeting_months.meeting_id,
        meeting_months.has_occurred,
        meeting_months.is_dated_by_publication,
        meeting_mentions.doc_id
    from topics
    inner join meeting_mentions
        on topics.mention_id = meeting_mentions.mention_id
    inner join meeting_months
        on meeting_mentions.meeting_id = meeting_months.meeting_id

),

final as (

    select
        meeting_month,
        topic,
        count(distinct meeting_id) as count_meetings,
        count(distinct case when has_occurred then meeting_id end) as count_meetings_occurred,
        count(distinct case when is_dated_by_publication then meeting_id end)
            as count_meetings_dated_by_publication,
        count(distinct doc_id) as count_articles
    from topic_mentions
    group by
        meeting_month,
        topic

)

select
    meeting_month,
    topic,
    count_meetings,
    count_meetings_occurred,
    count_meetings_dated_by_publication,
    count_articles
from final
