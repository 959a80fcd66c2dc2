with

source as (

    select
        mention_id,
        doc_id,
        topic
    from {{ source('raw', 'contact_topics') }}

),

renamed as (

    select
        mention_id,
        doc_id,
        lower(trim(topic)) as topic
    from source

)

select distinct
    mention_id,
    doc_id,
    topic
from renamed
