with

source as (

    select
        entity_mention_id,
        doc_id,
        start_char,
        end_char,
        mention_text,
        entity_label,
        actor_id,
        actor_kind,
        country_iso3,
        role,
        is_kb_linked,
        extractor_version
    from {{ source('raw', 'entity_mentions') }}

),

renamed as (

    select
        entity_mention_id,
        doc_id,
        start_char,
        end_char,
        mention_text,
        upper(trim(entity_label)) as entity_label,
        nullif(trim(actor_id), '') as actor_id,
        lower(nullif(trim(actor_kind), '')) as actor_kind,
        upper(nullif(trim(country_iso3), '')) as country_iso3,
        nullif(trim(role), '') as role,
        coalesce(is_kb_linked, false) as is_kb_linked,
        extractor_version
    from source

)

select
    entity_mention_id,
    doc_id,
    start_char,
    end_char,
    mention_text,
    entity_label,
    actor_id,
    actor_kind,
    country_iso3,
    role,
    is_kb_linked,
    extractor_version
from renamed
