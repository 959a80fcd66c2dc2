with

source as (

    select
        mention_id,
        doc_id,
        actor_id,
        actor_kind,
        country_iso3,
        role,
        mention_text,
        is_kb_linked
    from {{ source('raw', 'contact_participants') }}

),

renamed as (

    select
        mention_id,
        doc_id,
        trim(actor_id) as actor_id,
        lower(trim(actor_kind)) as actor_kind,
        upper(nullif(trim(country_iso3), '')) as country_iso3,
        nullif(trim(role), '') as role,
        mention_text,
        coalesce(is_kb_linked, false) as is_kb_linked
    from source

)

select
    mention_id,
    doc_id,
    actor_id,
    actor_kind,
    country_iso3,
    role,
    mention_text,
    is_kb_linked
from renamed
