with

mentions as (

    select
        mention_id,
        doc_id,
        contact_type,
        status,
        contact_date,
        contact_date_precision,
        contact_month
    from {{ ref('stg_news__contact_mentions') }}

),

participants as (

    select
        mention_id,
        actor_id
    from {{ ref('stg_news__contact_participants') }}

),

participant_sets as (

    select
        mention_id,
        -- Binary (code point) order, the same order as Python's sorted() in SCHEMA.md.
        string_agg(distinct actor_id, ';' order by actor_id) as participant_key,
        count(distinct actor_id) as count_participants
    from participants
    group by mention_id

),

joined as (

    select
        mentions.mention_id,
        mentions.doc_id,
        mentions.contact_type,
        mentions.status,
        mentions.contact_date,
        mentions.contact_date_precision,
        mentions.contact_month,
        participant_sets.participant_key,
        coalesce(participant_sets.count_participants, 0) as count_participants
    from mentions
    left join participant_sets
        on mentions.mention_id = participant_sets.mention_id

)

select
    mention_id,
    doc_id,
    contact_type,
    status,
    contact_date,
    contact_date_precision,
    contact_month,
    participant_key,
    count_participants
from joined
