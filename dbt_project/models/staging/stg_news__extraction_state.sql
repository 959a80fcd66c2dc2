with

source as (

    select
        doc_id,
        content_hash,
        extractor_version,
        extracted_at
    from {{ source('raw', 'extraction_state') }}

)

select
    doc_id,
    content_hash,
    extractor_version,
    extracted_at
from source
