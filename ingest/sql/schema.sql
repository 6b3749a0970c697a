-- The raw layer of warehouse.duckdb. Written only by ingest.load (one writer).
-- Keyed tables stay narrow; article text lives in its own table so checkpoints stay cheap.
create schema if not exists raw;

create table if not exists raw.batches (
    batch_id varchar primary key,
    source varchar not null,              -- fetch | files | replay
    started_at timestamptz not null,
    finished_at timestamptz,
    feeds_total integer, feeds_ok integer, feeds_not_modified integer, feeds_failed integer,
    entries_seen integer, articles_new integer, articles_duplicate integer,
    rows_quarantined integer, mentions_loaded integer,
    extractor_version varchar
);
alter table raw.batches add column if not exists status varchar default 'loaded';   -- loaded | rejected
alter table raw.batches add column if not exists reason varchar;                     -- why a batch was rejected

create table if not exists raw.feeds (
    feed_id varchar primary key,
    url varchar not null,
    publisher varchar not null,
    language varchar,
    tags varchar[],
    poll_minutes integer,
    updated_at timestamptz not null
);

create table if not exists raw.feed_state (
    feed_id varchar primary key,
    url varchar not null,                 -- current URL (a permanent redirect updates it)
    status varchar not null               -- new | ok | failing | muted (410)
);
-- Added column by column so a warehouse from an older release upgrades in place.
alter table raw.feed_state add column if not exists redirected_from varchar;   -- catalog URL that redirected
alter table raw.feed_state add column if not exists etag varchar;
alter table raw.feed_state add column if not exists last_modified varchar;
alter table raw.feed_state add column if not exists last_sha256 varchar;
alter table raw.feed_state add column if not exists last_fetch_at timestamptz;
alter table raw.feed_state add column if not exists last_success_at timestamptz;
alter table raw.feed_state add column if not exists last_unconditional_at timestamptz;
alter table raw.feed_state add column if not exists last_new_entry_at timestamptz;
alter table raw.feed_state add column if not exists last_status_code integer;
alter table raw.feed_state add column if not exists consecutive_failures integer default 0;
alter table raw.feed_state add column if not exists failure_score double default 0;
alter table raw.feed_state add column if not exists poll_interval_s integer;
alter table raw.feed_state add column if not exists next_poll_at timestamptz;
alter table raw.feed_state add column if not exists last_error varchar;
alter table raw.feed_state add column if not exists last_error_class varchar;

create table if not exists raw.fetches (
    fetch_id varchar primary key,
    batch_id varchar not null,
    feed_id varchar not null,
    url varchar not null,
    final_url varchar,
    requested_at timestamptz not null,
    outcome varchar not null,             -- ok | not_modified | unchanged | error
    status_code integer,
    bytes bigint,
    duration_ms double,
    error_class varchar,
    error varchar,
    etag varchar,
    last_modified varchar,
    payload_sha256 varchar
);
alter table raw.fetches add column if not exists failure_class varchar;   -- hard | soft | temporary
alter table raw.fetches add column if not exists sent_validators boolean;
alter table raw.fetches add column if not exists retry_after varchar;
alter table raw.fetches add column if not exists cache_control varchar;

create table if not exists raw.payloads (
    payload_sha256 varchar not null,
    feed_id varchar not null,
    url varchar,
    received_at timestamptz not null,
    content_type varchar,
    bytes bigint,
    parse_status varchar,                 -- ok | bozo | truncated | hostile | error | rejected (batch gate)
    parse_error varchar,
    entries integer,
    primary key (payload_sha256, feed_id)
);
-- The batch that loaded it first (one a gate rejected, until one loads it): a replay, cutting its batches otherwise, drops
-- again a copy that batch dropped as a later copy of an article it held (`ingest.pipeline.Met`).
alter table raw.payloads add column if not exists batch_id varchar;

create table if not exists raw.articles (
    article_id varchar primary key,
    feed_id varchar not null,
    url varchar not null,
    guid varchar,
    title varchar not null,
    published_at timestamptz not null,
    date_flag varchar,                    -- null | missing | future_clamped | zone_assumed
    language varchar,
    author varchar,
    content_hash varchar not null,
    story_key varchar not null,
    payload_sha256 varchar,
    first_seen_at timestamptz not null,
    last_seen_at timestamptz not null,
    extractor_version varchar not null
);
alter table raw.articles add column if not exists language_detected varchar;
alter table raw.articles add column if not exists entry_key varchar;   -- guid | url | url+date | url+date+title | ...
alter table raw.articles add column if not exists story_id varchar;    -- syndication cluster (ingest.stories)
alter table raw.articles add column if not exists revision integer default 1;
alter table raw.articles add column if not exists updated_at timestamptz;  -- last write of any kind (incremental marts)

-- The long texts are compressed with zstd (see ingest.warehouse.ZSTD_TEXT): DuckDB's default for strings kept twice
-- the bytes and took three times as long to write them at a checkpoint.
create table if not exists raw.article_texts (
    article_id varchar primary key,
    text varchar not null using compression zstd
);
alter table raw.article_texts add column if not exists html varchar using compression zstd;  -- sanitised (nh3)
alter table raw.article_texts add column if not exists text_method varchar;       -- feed | trafilatura | ...

create table if not exists raw.mentions (
    article_id varchar not null,
    kind varchar not null,                -- actor | topic
    entity_id varchar not null,
    field varchar not null,               -- title | body
    start_offset integer not null,
    end_offset integer not null,
    surface varchar not null,
    extractor_version varchar not null
);
alter table raw.mentions add column if not exists salience double;   -- 1.0 in the title, 1.0 -> 0.5 through the body

create table if not exists raw.actors (
    actor_id varchar primary key,
    name varchar not null,
    type varchar not null,
    country varchar,
    theatre varchar,
    role varchar,
    extractor_version varchar not null
);

create table if not exists raw.topics (
    topic_id varchar primary key,
    name varchar not null,
    description varchar,
    extractor_version varchar not null
);

create table if not exists raw.quarantine (
    quarantine_id varchar primary key,
    batch_id varchar not null,
    quarantined_at timestamptz not null,
    stage varchar not null,               -- fetch | parse | normalise | validate
    rule varchar not null,
    value varchar,
    reason varchar not null,
    feed_id varchar,
    payload_sha256 varchar,
    position integer,
    article_id varchar
);
alter table raw.quarantine add column if not exists resolved_at timestamptz;  -- a later replay loaded the entry

-- Syndication clusters (ingest.stories): MinHash signatures and their LSH bands.
create table if not exists raw.story_signatures (
    article_id varchar primary key,
    story_id varchar not null,
    published_at timestamptz not null,
    signature ubigint[] not null,
    title_numbers varchar
);

-- No primary key: its index (16 bands per article) was loaded into memory by every batch's insert,
-- 170 MB at 100,000 articles; rows are written once, with their article's signature (ingest.stories).
create table if not exists raw.story_bands (
    band_key bigint not null,
    article_id varchar not null
);

-- Where an article was seen: one row per article and feed (syndication and re-posts, not copies).
create table if not exists raw.sightings (
    article_id varchar not null,
    feed_id varchar not null,
    first_seen_at timestamptz not null,
    last_seen_at timestamptz not null,
    times_seen integer not null,
    primary key (article_id, feed_id)
);

-- Every version of an article's title and text, as first seen.
create table if not exists raw.article_revisions (
    article_id varchar not null,
    revision integer not null,
    content_hash varchar not null,
    title varchar not null,
    text varchar not null using compression zstd,
    first_seen_at timestamptz not null,
    payload_sha256 varchar,
    primary key (article_id, revision)
);

-- Other URLs of one article: a source re-publishing the same story under a new URL.
create table if not exists raw.article_aliases (
    url varchar primary key,
    article_id varchar not null,
    feed_id varchar not null,
    first_seen_at timestamptz not null
);

-- Quoted statements and their speakers (ingest.extract.quotes).
create table if not exists raw.quotes (
    article_id varchar not null,
    start_offset integer not null,
    end_offset integer not null,
    quote varchar not null,
    speaker varchar,                      -- the attribution's words; null for "he said"
    speaker_actor_id varchar,             -- the gazetteer actor, where resolved
    extractor_version varchar not null
);

-- Capitalised names the gazetteer lacks (ingest.extract.candidates), per article.
create table if not exists raw.name_candidates (
    article_id varchar not null,
    name varchar not null,
    occurrences integer not null,
    extractor_version varchar not null
);

-- One row per GX suite run (ingest.validate), kept even when the batch was rejected.
create table if not exists raw.validation_runs (
    run_id varchar,
    batch_id varchar not null,
    suite varchar not null,
    run_at timestamptz not null,
    success boolean not null,
    evaluated integer not null,
    unexpected integer not null,
    detail varchar
);
