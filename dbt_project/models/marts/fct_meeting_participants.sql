with

meeting_mentions as (

    select
        mention_id,
        meeting_id
    from {{ ref('int_meetings_deduplicated') }}

),

meetings as (

    select
        meeting_id,
        contact_type,
        status,
        meeting_date,
        meeting_date_precision
    from {{ ref('fct_meetings') }}

),

participants as (

    select
        mention_id,
        actor_id,
        actor_kind,
        country_iso3,
        role,
        is_kb_linked
    from {{ ref('stg_news__contact_participants') }}

),

participant_mentions as (

    select
        meeting_mentions.meeting_id,
        participants.mention_id,
        participants.actor_id,
        participants.actor_kind,
        participants.country_iso3,
        participants.role,
        participants.is_kb_linked
    from participants
    inner join meeting_mentions
        on participants.mention_id = meeting_mentions.mention_id

),

aggregated as (

    select
        meeting_id,
        actor_id,
        count(distinct mention_id) as count_mentions,
        bool_or(is_kb_linked) as is_kb_linked
    from participant_mentions
    group by
        meeting_id,
        actor_id

),

attribute_counts as (

    -- How the articles described the actor in this meeting; the most frequent wins.
    select
        meeting_id,
        actor_id,
        actor_kind,
        country_iso3,
        role,
        count(*) as count_mentions
    from participant_mentions
    group by
        meeting_id,
        actor_id,
        actor_kind,
        country_iso3,
        role

),

ranked_attributes as (

    select
        meeting_id,
        actor_id,
        actor_kind,
        country_iso3,
        role,
        row_number() over (
            partition by meeting_id, actor_id
            order by
                count_mentions desc,
                role is null asc,
                country_iso3 is null asc,
                actor_kind asc,
                country_iso3 asc,
                role asc
        ) as attribute_rank
    from attribute_counts

),

final as (

    select
        aggregated.meeting_id,
        aggregated.actor_id,
        ranked_attributes.actor_kind,
        ranked_attributes.country_iso3,
        ranked_attributes.role,
        aggregated.is_kb_linked,
        aggregated.count_mentions,
        meetings.contact_type,
        meetings.status,
        meetings.meeting_date,
        meetings.meeting_date_precision
    from aggregated
    inner join meetings
        on aggregated.meeting_id = meetings.meeting_id
    left join ranked_attributes
        on
            aggregated.meeting_id = ranked_attributes.meeting_id
            and aggregated.actor_id = ranked_attributes.actor_id
            and ranked_attributes.attribute_rank = 1

)

select
    meeting_id,
    actor_id,
    actor_kind,
    country_iso3,
    role,
    is_kb_linked,
    count_mentions,
    contact_type,
    status,
    meeting_date,
    meeting_date_precision
from final
