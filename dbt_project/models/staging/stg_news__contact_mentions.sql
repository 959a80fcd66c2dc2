with

source as (

    select
        mention_id,
        doc_id,
        contact_type,
        status,
        contact_date,
        contact_date_precision,
        location,
        evidence,
        evidence_start_char,
        evidence_end_char,
        trigger_text,
        confidence,
        extractor_version
    from {{ source('raw', 'contact_mentions') }}

),

cleaned as (

    select
        mention_id,
        doc_id,
        lower(trim(contact_type)) as contact_type,
        lower(trim(status)) as status,
        contact_date,
        -- A date without a precision is taken as a day; no date means no precision.
        case
            when contact_date is not null
                then coalesce(lower(trim(contact_date_precision)), 'day')
        end as contact_date_precision,
        nullif(trim(location), '') as location,
        evidence,
        evidence_start_char,
        evidence_end_char,
        trigger_text,
        confidence,
        extractor_version
    from source

),

renamed as (

    select
        mention_id,
        doc_id,
        contact_type,
        status,
        -- Month-precision dates are stored as the 1st of their month.
        case
            when contact_date_precision = 'month'
                then date_trunc('month', contact_date)::date
            else contact_date
        end as contact_date,
        contact_date_precision,
        date_trunc('month', contact_date)::date as contact_month,
        location,
        evidence,
        evidence_start_char,
        evidence_end_char,
        trigger_text,
        confidence,
        extractor_version,
        status = 'occurred' as has_occurred
    from cleaned

)

select
    mention_id,
    doc_id,
    contact_type,
    status,
    has_occurred,
    contact_date,
    contact_date_precision,
    contact_month,
    location,
    evidence,
    evidence_start_char,
    evidence_end_char,
    trigger_text,
    confidence,
    extractor_version
from renamed
