with

source as (

    select
        actor_id,
        role,
        jurisdiction,
        start_date,
        end_date
    from {{ source('raw', 'knowledge_offices') }}

),

renamed as (

    select
        trim(actor_id) as actor_id,
        trim(role) as role,
        trim(jurisdiction) as jurisdiction,
        start_date,
        end_date,
        end_date is null as is_open_ended
    from source

)

select
    actor_id,
    role,
    jurisdiction,
    start_date,
    end_date,
    is_open_ended
from renamed
