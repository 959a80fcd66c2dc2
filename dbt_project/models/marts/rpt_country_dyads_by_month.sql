with

meetings as (

    select
        meeting_id,
        contact_type,
        status,
        meeting_month,
        first_reported_date
    from {{ ref('fct_meetings') }}

),

participants as (

    select
        meeting_id,
        actor_id
    from {{ ref('fct_meeting_participants') }}

),

meeting_articles as (

    select distinct
        meeting_id,
        doc_id
    from {{ ref('fct_contact_mentions') }}

),

actors as (

    select
        actor_id,
        country_iso3
    from {{ ref('dim_actors') }}

),

countries as (

    select
        country_iso3,
        country_name
    from {{ ref('stg_knowledge__countries') }}

),

meeting_months as (

    -- macros/reporting_month.sql: meetings with no month and no article date are left out.
    select
        meeting_id,
        contact_type,
        status,
        {{ reporting_month() }} as meeting_month
    from meetings
    where {{ reporting_month() }} is not null

),

meeting_countries as (

    -- The countries taking part in a meeting, each once however many of its actors do.
    -- Organizations and groups have no country and do not form dyads.
    select distinct
        participants.meeting_id,
        actors.country_iso3
    from participants
    inner join actors
        on participants.actor_id = actors.actor_id
    where actors.country_iso3 is not null

),

dyads as (

    -- Undirected dyads of two different countries, the ISO3 codes in alphabetical order.
    select
        first_countries.meeting_id,
        first_countries.country_iso3 as first_country_iso3,
        second_countries.country_iso3 as second_country_iso3
    from meeting_countries as first_countries
    inner join meeting_countries as second_countries
        on
            first_countries.meeting_id = second_countries.meeting_id
            and first_countries.country_iso3 < second_countries.country_iso3

),

dyad_meetings as (

    select
        meeting_months.meeting_month,
        meeting_months.contact_type,
        dyads.first_country_iso3,
        dyads.second_country_iso3,
        dyads.meeting_id,
        meeting_months.status
    from dyads
    inner join meeting_months
        on dyads.meeting_id = meeting_months.meeting_id

),

-- A dyad meets once per meeting here (meeting_countries lists a country once per
-- meeting), so meetings are counted with count(*). Articles are counted apart, from the
-- distinct articles of each dyad's group: joined to the meetings' articles first, four
-- count(distinct ...) took a third longer (1.16 s against 0.83 s on a 100k-article
-- warehouse).
meeting_counts as (

    select
        meeting_month,
        contact_type,
        first_country_iso3,
        second_country_iso3,
        count(*) as count_meetings,
        count(*) filter (where status = 'occurred') as count_meetings_occurred,
        count(*) filter (where status = 'planned') as count_meetings_planned
    from dyad_meetings
    group by
        meeting_month,
        contact_type,
        first_country_iso3,
        second_country_iso3

),

article_counts as (

    select
        meeting_month,
        contact_type,
        first_country_iso3,
        second_country_iso3,
        count(*) as count_articles
    from (
        select distinct
            dyad_meetings.meeting_month,
            dyad_meetings.contact_type,
            dyad_meetings.first_country_iso3,
            dyad_meetings.second_country_iso3,
            meeting_articles.doc_id
        from dyad_meetings
        inner join meeting_articles
            on dyad_meetings.meeting_id = meeting_articles.meeting_id
    ) as dyad_articles
    group by
        meeting_month,
        contact_type,
        first_country_iso3,
        second_country_iso3

),

counts as (

    select
        meeting_counts.meeting_month,
        meeting_counts.contact_type,
        meeting_counts.first_country_iso3,
        meeting_counts.second_country_iso3,
        meeting_counts.count_meetings,
        meeting_counts.count_meetings_occurred,
        meeting_counts.count_meetings_planned,
        coalesce(article_counts.count_articles, 0) as count_articles
    from meeting_counts
    left join article_counts
        on
            meeting_counts.meeting_month = article_counts.meeting_month
            and meeting_counts.contact_type = article_counts.contact_type
            and meeting_counts.first_country_iso3 = article_counts.first_country_iso3
            and meeting_counts.second_country_iso3 = article_counts.second_country_iso3

),

final as (

    select
        counts.meeting_month,
        counts.contact_type,
        counts.first_country_iso3,
        first_countries.country_name as first_country_name,
        counts.second_country_iso3,
        second_countries.country_name as second_country_name,
        counts.count_meetings,
        counts.count_meetings_occurred,
        counts.count_meetings_planned,
        counts.count_articles
    from counts
    left join countries as first_countries
        on counts.first_country_iso3 = first_countries.country_iso3
    left join countries as second_countries
        on counts.second_country_iso3 = second_countries.country_iso3

)

select
    meeting_month,
    contact_type,
    first_country_iso3,
    first_country_name,
    second_country_iso3,
    second_country_name,
    count_meetings,
    count_meetings_occurred,
    count_meetings_planned,
    count_articles
from final
