{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='mention_id',
        on_schema_change='append_new_columns',
        post_hook="{{ delete_rows_missing_upstream(ref('int_meetings_deduplicated'), ['mention_id', 'meeting_id', 'loaded_at']) }}",
    )
}}

{#
    Incremental by mention: a run writes the mentions that are new, were reloaded
    (loaded_at) or were merged into another meeting (meeting_id) since the last build;
    the post-hook removes mentions that are gone.
#}

with

meeting_mentions as (

    select
        mention_id,
        meeting_id,
        doc_id,
        participant_key,
        count_participants,
        meeting_date,
        meeting_date_precision,
        loaded_at
    from {{ ref('int_meetings_deduplicated') }} as current_mentions
    {% if is_incremental() %}
        where
            not exists (
                select 1
                from {{ this }} as built
                where
                    built.mention_id = current_mentions.mention_id
                    and built.meeting_id = current_mentions.meeting_id
                    and built.loaded_at = current_mentions.loaded_at
            )
    {% endif %}

),

mentions as (

    select
        mention_id,
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
    where mention_id in (select meeting_mentions.mention_id from meeting_mentions)

),

articles as (

    select
        doc_id,
        published_date,
        published_date_precision,
        article_title,
        source_url
    from {{ ref('stg_news__articles') }}
    where doc_id in (select meeting_mentions.doc_id from meeting_mentions)

),

joined as (

    select
        meeting_mentions.mention_id,
        meeting_mentions.meeting_id,
        meeting_mentions.doc_id,
        mentions.contact_type,
        mentions.status,
        mentions.has_occurred,
        mentions.contact_date,
        mentions.contact_date_precision,
        meeting_mentions.meeting_date,
        meeting_mentions.meeting_date_precision,
        mentions.location,
        meeting_mentions.participant_key,
        meeting_mentions.count_participants,
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
        meeting_mentions.loaded_at,
        not mentions.has_occurred as is_planned
    from meeting_mentions
    inner join mentions
        on meeting_mentions.mention_id = mentions.mention_id
    left join articles
        on meeting_mentions.doc_id = articles.doc_id

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
    source_url,
    loaded_at
from joined
