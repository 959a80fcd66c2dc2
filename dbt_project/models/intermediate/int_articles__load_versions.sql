{#
    The version of each article's rows: the incremental models compare it with the
    version they last processed to find new, re-ingested and re-extracted articles.
#}

with

articles as (

    select
        doc_id,
        published_date,
        ingested_at
    from {{ ref('stg_news__articles') }}

),

extraction_state as (

    select
        doc_id,
        extracted_at
    from {{ ref('stg_news__extraction_state') }}

),

final as (

    select
        articles.doc_id,
        articles.published_date,
        -- greatest() skips nulls: an article without extraction state counts from its
        -- ingestion. Both timestamps only move forward when the article's rows change.
        greatest(articles.ingested_at, extraction_state.extracted_at) as loaded_at
    from articles
    left join extraction_state
        on articles.doc_id = extraction_state.doc_id

)

select
    doc_id,
    published_date,
    loaded_at
from final
