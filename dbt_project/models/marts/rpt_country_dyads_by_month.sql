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

-- The CTEs meeting_counts, article_counts and counts (macros/pair_counts.sql).
{{ pair_counts('dyad_meetings', 'first_country_iso3', 'second_country_iso3') }}

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
