with

source as (

    select
        source_path,
        doc_id,
        reason,
        content_hash,
        rejected_at
    from {{ source('raw', 'rejected_inputs') }}

),

renamed as (

    select
        source_path,
        doc_id,
        reason as rejection_reason,
        content_hash,
        rejected_at
    from source

)

select
    source_path,
    doc_id,
    rejection_reason,
    content_hash,
    rejected_at
from renamed
