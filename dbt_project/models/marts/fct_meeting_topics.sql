with

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

meetings as (

    select
        meeting_id,
        contact_type,
        status,
        meeting_date,
        meeting_month
    from {{ ref('fct_meetings') }}

),

aggregated as (

    select
        meeting_mentions.meeting_id,
        topics.topic,
        count(distinct meeting_mentions.mention_id) as count_mentions,
        count(distinct meeting_mentions.doc_id) as count_articles
    from topics
    inner join meeting_mentions
        on topics.mention_id = meeting_mentions.mention_id
    group by
        meeting_mentions.meeting_id,
        topics.topic

),

final as (

    select
        aggregated.meeting_id,
        aggregated.topic,
        aggregated.count_mentions,
        aggregated.count_articles,
        meetings.contact_type,
        meetings.status,
        meetings.meeting_date,
        meetings.meeting_month
    from aggregated
    inner join meetings
        on aggregated.meeting_id = meetings.meeting_id

)

select
    meeting_id,
    topic,
    count_mentions,
    count_articles,
    contact_type,
    status,
    meeting_date,
    meeting_month
from final
