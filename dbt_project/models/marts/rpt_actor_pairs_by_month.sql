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
        actor_name,
        country_iso3
    from {{ ref('dim_actors') }}

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

pairs as (

    -- Each unordered pair once: the actor ids in code-point order.
    select
        first_participants.meeting_id,
        first_participants.actor_id as first_actor_id,
        second_participants.actor_id as second_actor_id
    from participants as first_participants
    inner join participants as second_participants
        on
            first_participants.meeting_id = second_participants.meeting_id
            and first_participants.actor_id < second_participants.actor_id

),

pair_meetings as (

    select
        meeting_months.meeting_month,
        meeting_months.contact_type,
        pairs.first_actor_id,
        pairs.second_actor_id,
        pairs.meeting_id,
        meeting_months.status
    from pairs
    inner join meeting_months
        on pairs.meeting_id = meeting_months.meeting_id

),

-- The CTEs meeting_counts, article_counts and counts (macros/pair_counts.sql).
{{ pair_counts('pair_meetings', 'first_actor_id', 'second_actor_id') }}

final as (

    select
        counts.meeting_month,
        counts.contact_type,
        counts.first_actor_id,
        first_actors.actor_name as first_actor_name,
        first_actors.country_iso3 as first_country_iso3,
        counts.second_actor_id,
        second_actors.actor_name as second_actor_name,
        second_actors.country_iso3 as second_country_iso3,
        counts.count_meetings,
        counts.count_meetings_occurred,
        counts.count_meetings_planned,
        counts.count_articles
    from counts
    left join actors as first_actors
        on counts.first_actor_id = first_actors.actor_id
    left join actors as second_actors
        on counts.second_actor_id = second_actors.actor_id

)

select
    meeting_month,
    contact_type,
    first_actor_id,
    first_actor_name,
    first_country_iso3,
    second_actor_id,
    second_actor_name,
    second_country_iso3,
    count_meetings,
    count_meetings_occurred,
    count_meetings_planned,
    count_articles
from final
