with

source as (

    select
        actor_id,
        actor_kind,
        actor_name,
        country_iso3,
        gender
    from {{ source('raw', 'knowledge_actors') }}

),

renamed as (

    select
        trim(actor_id) as actor_id,
        lower(trim(actor_kind)) as actor_kind,
        coalesce(nullif(trim(actor_name), ''), trim(actor_id)) as actor_name,
        upper(nullif(trim(country_iso3), '')) as country_iso3,
        lower(nullif(trim(gender), '')) as gender
    from source

)

select
    actor_id,
    actor_kind,
    actor_name,
    country_iso3,
    gender
from renamed
