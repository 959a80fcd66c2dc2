with

source as (

    select
        doc_id,
        content_hash,
        published_date,
        published_date_precision,
        title,
        source_url,
        text,
        count_words,
        source_path,
        ingested_at
    from {{ source('raw', 'articles') }}

),

renamed as (

    select
        doc_id,
        content_hash,
        published_date,
        case
            when published_date is not null
                then coalesce(lower(trim(published_date_precision)), 'day')
        end as published_date_precision,
        date_trunc('month', published_date)::date as published_month,
        nullif(trim(title), '') as article_title,
        nullif(trim(source_url), '') as source_url,
        text as article_text,
        count_words,
        source_path,
        ingested_at
    from source

)

select
    doc_id,
    content_hash,
    published_date,
    published_date_precision,
    published_month,
    article_title,
    source_url,
    article_text,
    count_words,
    source_path,
    ingested_at
from renamed
