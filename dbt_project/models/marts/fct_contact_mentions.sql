with

mentions as (

    select
        mention_id,
        doc_id,
        contact_type,
        status,
        has_occurred,
        contact_date,
        contact_date_precision,
        location,
        evidence,
        evidence_start_char,
        evidence_end_char,
        trigger_text,
        confidence,
        extractor_version
    from {{ ref('stg_news__contact_mentions') }}

),

deduplicated as (

    select
        mention_id,
        meeting_id,
        participant_key,
        count_participants,
        meeting_date,
        meeting_date_precision
    from {{ ref('int_meetings_deduplicated') }}

),

articles as (

    select
        doc_id,
        published_date,
        published_date_precision,
        article_title,
        source_url
    from {{ ref('stg_news__articles') }}

),

joined as (

    select
        mentions.mention_id,
        deduplicated.meeting_id,
        mentions.doc_id,
        mentions.contact_type,
        mentions.status,
        mentions.has_occurred,
        mentions.contact_date,
        mentions.contact_date_precision,
        deduplicated.meeting_date,
        deduplicated.meeting_date_precision,
        mentions.location,
        deduplicated.participant_key,
        deduplicated.count_participants,
        mentions.evidence,
        mentions.evidence_start_char,
        mentions.evidence_end_char,
        mentions.trigger_text,
        mentions.confidence,
        mentions.extractor_version,
        articles.published_date,
        articles.published_date_precision,
        articles.article_title,
        articles.source_url,
        not mentions.has_occurred as is_planned
    from mentions
    left join deduplicated
        on mentions.mention_id = deduplicated.mention_id
    left join articles
        on mentions.doc_id = articles.doc_id

)

select
    mention_id,
    meeting_id,
    doc_id,
    contact_type,
    status,
    has_occurred,
    is_planned,
    contact_date,
    contact_date_precision,
    meeting_date,
    meeting_date_precision,
    location,
    participant_key,
    count_participants,
    evidence,
    evidence_start_char,
    evidence_end_char,
    trigger_text,
    confidence,
    extractor_version,
    published_date,
    published_date_precision,
    article_title,
    source_url
from joined
