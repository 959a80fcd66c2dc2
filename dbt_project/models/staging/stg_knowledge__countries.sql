with

source as (

    select
        country_iso3,
        country_name
    from {{ source('raw', 'knowledge_countries') }}

),

renamed as (

    select
        upper(trim(country_iso3)) as country_iso3,
        trim(country_name) as country_name
    from source

)

select
    country_iso3,
    country_name
from renamed
