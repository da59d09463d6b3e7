//! The vocabulary of the synthetic archives: services, people, incident
//! kinds and the sentence templates that bodies are grown from.
//!
//! Templates use `{name}` placeholders, filled by `generate::Filler`; a
//! `{` that does not open a known placeholder is copied as is, so config
//! snippets need no escaping. The pools are sized so that a report can
//! grow to about 8 KB without repeating a sentence.

/// Affected services: the first one names the report's slug.
pub const SERVICES: &[&str] = &[
    "storefront",
    "cart",
    "invoicing",
    "ledger",
    "fraud-check",
    "sessions",
    "tokens",
    "profiles",
    "uploads",
    "thumbnailer",
    "edge-proxy",
    "service-mesh",
    "ingress",
    "message-bus",
    "job-scheduler",
    "mysql-primary",
    "elasticsearch",
    "memcached",
    "blob-store",
    "build-farm",
    "artifacts",
    "config-service",
    "secrets-vault",
    "push-gateway",
    "sms-sender",
    "mailer",
    "webhooks",
    "partner-api",
    "graphql",
    "admin",
    "reporting",
    "event-ingest",
    "streams",
    "feature-store",
    "ml-inference",
    "tsdb",
    "log-shipper",
    "paging",
    "catalog",
    "pricing",
];

pub const TAGS: &[&str] = &[
    "release",
    "configuration",
    "datastore",
    "networking",
    "saturation",
    "name-resolution",
    "tls",
    "revert",
    "vendor",
    "alerting-gap",
    "manual-step",
    "infrastructure",
    "access-control",
    "data-integrity",
    "slowness",
    "resource-leak",
    "upstream",
    "schema-change",
    "caching",
    "backpressure",
];

pub const SEVERITIES: &[&str] = &["SEV1", "SEV2", "SEV3", "SEV4"];
pub const SEVERITY_WEIGHTS: &[u32] = &[5, 20, 45, 30];

/// UTC offsets in minutes, including half-hour zones (India, Newfoundland,
/// South Australia) because they are where time handling usually breaks.
pub const OFFSETS: &[i32] = &[0, 60, 120, 330, 480, 540, 570, -180, -210, -300, -420];

/// ASCII only: owners in action items are the lowercased first name.
pub const PEOPLE: &[&str] = &[
    "Amara Nwosu",
    "Bruno Costa",
    "Chen Wei",
    "Dana Whitfield",
    "Elif Yilmaz",
    "Felix Brandt",
    "Gabriela Souza",
    "Hassan Qureshi",
    "Ingrid Larsen",
    "Jamal Wright",
    "Keiko Sato",
    "Lucas Moreau",
    "Mariana Lopez",
    "Noah Fischer",
    "Oksana Kovalenko",
    "Priya Nair",
    "Rafael Mendes",
    "Sofia Rossi",
    "Tariq Mahmoud",
    "Yuki Nakamura",
];

pub const TEAMS: &[&str] = &[
    "infra",
    "checkout-team",
    "core-data",
    "trust-safety",
    "edge-network",
    "reliability",
    "growth-eng",
    "messaging",
    "devtools",
    "ml-platform",
];

/// One kind of incident.
pub struct Kind {
    /// Second half of the slug, after the service.
    pub slug: &'static str,
    /// Used in titles and measures ("{kind}", "{kind_l}").
    pub title: &'static str,
    /// A noun phrase that completes "the trigger was ...".
    pub cause: &'static str,
    /// Tags that such an incident usually gets, most likely first.
    pub tags: &'static [&'static str],
}

const fn kind(
    slug: &'static str,
    title: &'static str,
    cause: &'static str,
    tags: &'static [&'static str],
) -> Kind {
    Kind {
        slug,
        title,
        cause,
        tags,
    }
}

pub const KINDS: &[Kind] = &[
    kind(
        "bad-release-rollout",
        "Faulty release rollout",
        "a release that crashed on startup in production",
        &["release", "revert"],
    ),
    kind(
        "config-typo",
        "Configuration typo",
        "an unvalidated typo in a configuration value",
        &["configuration", "manual-step"],
    ),
    kind(
        "primary-db-crash",
        "Primary database crash",
        "a crash of the primary database under write load",
        &["datastore", "infrastructure"],
    ),
    kind(
        "pool-saturation",
        "Worker pool saturation",
        "a worker pool filled by slow upstream calls",
        &["saturation", "upstream"],
    ),
    kind(
        "dns-record-drift",
        "DNS record drift",
        "a stale DNS record left by an old migration",
        &["name-resolution", "configuration"],
    ),
    kind(
        "tls-cert-lapse",
        "TLS certificate lapse",
        "a certificate whose renewal job failed silently",
        &["tls", "alerting-gap"],
    ),
    kind(
        "inode-exhaustion",
        "Inode exhaustion",
        "a log directory that used up every inode",
        &["saturation", "alerting-gap"],
    ),
    kind(
        "file-descriptor-leak",
        "File descriptor leak",
        "a file descriptor leak in the new HTTP client",
        &["resource-leak", "release"],
    ),
    kind(
        "zone-connectivity-loss",
        "Zone connectivity loss",
        "lost connectivity between two zones",
        &["networking", "infrastructure"],
    ),
    kind(
        "cache-eviction-storm",
        "Cache eviction storm",
        "an eviction storm after a cache resize",
        &["caching", "saturation"],
    ),
    kind(
        "consumer-lag",
        "Consumer lag",
        "consumers that fell far behind their partitions",
        &["backpressure", "slowness"],
    ),
    kind(
        "vendor-api-outage",
        "Vendor API outage",
        "an outage of a vendor API we call inline",
        &["vendor", "upstream"],
    ),
    kind(
        "index-rebuild-lock",
        "Index rebuild lock",
        "an index rebuild that blocked writes",
        &["schema-change", "datastore"],
    ),
    kind(
        "quota-misconfiguration",
        "Quota misconfiguration",
        "a tenant quota set a thousand times too low",
        &["configuration", "access-control"],
    ),
    kind(
        "health-probe-flapping",
        "Health probe flapping",
        "probes that timed out before a cold start ended",
        &["configuration", "infrastructure"],
    ),
    kind(
        "expired-api-token",
        "Expired API token",
        "a service token that nobody rotated",
        &["access-control", "manual-step"],
    ),
    kind(
        "slow-query-regression",
        "Slow query regression",
        "a query that lost its index after an ORM upgrade",
        &["slowness", "datastore"],
    ),
    kind(
        "bulk-delete-mistake",
        "Bulk delete mistake",
        "a delete script run against production by mistake",
        &["data-integrity", "manual-step"],
    ),
    kind(
        "disk-controller-fault",
        "Disk controller fault",
        "a disk controller that corrupted writes",
        &["infrastructure", "data-integrity"],
    ),
    kind(
        "flag-misrollout",
        "Feature flag misrollout",
        "a flag switched on for every tenant at once",
        &["configuration", "release"],
    ),
    kind(
        "library-bump",
        "Library version bump",
        "a library bump that changed default timeouts",
        &["upstream", "release"],
    ),
    kind(
        "monitoring-blind-spot",
        "Monitoring blind spot",
        "a metrics exporter that died without an alert",
        &["alerting-gap"],
    ),
    kind(
        "mtu-mismatch",
        "MTU mismatch",
        "an MTU mismatch in the new network overlay",
        &["networking", "infrastructure"],
    ),
    kind(
        "retry-amplification",
        "Retry amplification",
        "retries that turned a blip into an overload",
        &["saturation", "backpressure"],
    ),
    kind(
        "ntp-drift",
        "NTP drift",
        "clocks that drifted without a time source",
        &["infrastructure", "networking"],
    ),
    kind(
        "replica-divergence",
        "Replica divergence",
        "replicas that diverged after a failed resync",
        &["datastore", "data-integrity"],
    ),
    kind(
        "ddos-rule-misfire",
        "DDoS mitigation misfire",
        "a DDoS rule that blocked legitimate clients",
        &["access-control", "vendor"],
    ),
];

pub const TITLES: &[&str] = &[
    "{kind} brings down {svc}",
    "Degraded {svc} after {kind_l}",
    "{kind} breaks {svc} in {region}",
    "Elevated {svc} error rates after {kind_l}",
    "Outage of {svc}: {kind_l}",
    "{kind} leaves {svc} partially unavailable",
    "Slow {svc} responses caused by {kind_l}",
];

/// Where the impact was; they read after "in" and "from".
pub const REGIONS: &[&str] = &[
    "Europe",
    "North America",
    "Asia-Pacific",
    "South America",
    "the Middle East",
    "every region",
];

pub const SYMPTOMS: &[&str] = &[
    "HTTP 502 responses",
    "gateway timeouts",
    "slow page loads",
    "login failures",
    "lost webhook deliveries",
    "stale catalog data",
    "declined card payments",
    "delayed emails",
    "connection refused errors",
    "blank dashboards",
    "duplicated charges",
    "truncated uploads",
    "TLS handshake failures",
];

pub const METRICS: &[&str] = &[
    "5xx ratio",
    "p95 latency",
    "CPU steal",
    "consumer lag",
    "resident memory",
    "open file descriptors",
    "replica delay",
    "disk IO wait",
    "queue wait time",
];

/// What the responders did; they read after "the on-call engineer".
pub const FIXES: &[&str] = &[
    "reverted the deploy to the previous build",
    "restored the last known good configuration",
    "promoted the standby database",
    "recycled the unhealthy instances",
    "cordoned the faulty node",
    "doubled the worker pool",
    "installed a renewed certificate",
    "warmed the cache from a snapshot",
    "switched the feature flag off",
    "added capacity in the healthy zones",
    "replayed the deleted records from the backup",
    "pinned the library to its earlier release",
];

/// Corrective measures and action items (both lists draw from here).
pub const MEASURES: &[&str] = &[
    "Gate {svc} releases on a 30-minute canary",
    "Page the owners when {metric} on {svc} drifts",
    "Rehearse {kind_l} in the next failure drill",
    "Write a runbook entry for restoring {svc} by hand",
    "Cover {kind_l} with an end-to-end test",
    "Validate configuration against a schema before it ships",
    "Alert 30 days before any certificate or token expires",
    "Add jittered backoff and a retry budget to {svc} clients",
    "Walk the on-call rotation through the {svc} runbook",
    "Chart {metric} for {svc} on its overview dashboard",
    "Require peer approval for scripts that modify production data",
    "Set memory and CPU limits on every {svc} deployment",
    "Roll back {svc} automatically on fast error budget burn",
    "Move {svc} credentials to the secrets manager",
    "Give {svc} a deadline on every call to {svc2}",
    "Load test {svc} at twice its peak before launches",
];

pub const SUMMARIES: &[&str] = &[
    "Requests to {svc} met {symptom} for {dur_h} because of {cause}.",
    "About {pct}% of {svc} requests from {region} failed for {dur_h}; the trigger was {cause}.",
    "For {dur_h}, users of {svc} saw {symptom}, traced to {cause}.",
    "{cause_c} degraded {svc} for {dur_h}, with {symptom} for roughly {pct}% of users.",
];

pub const ISSUE: &[&str] = &[
    "Between {start} and {end} ({tz}), {svc} returned {symptom} to a large share of callers.",
    "Roughly {pct}% of requests from {region} were affected while the incident lasted.",
    "The underlying cause was {cause}.",
    "Several customers wrote to support about {symptom} well before any dashboard turned red.",
    "Callers such as {svc2} queued retries while {svc} stayed unhealthy, which stretched their own latency.",
    "No records were lost; {n} background tasks were run again once the service recovered.",
    "{person} took the incident commander role and classified the incident as {sev}.",
    "The public status page acknowledged the problem {m} minutes after the first page.",
    "Impact was concentrated in {region}, where {svc} runs on its own cluster.",
    "Internal dashboards backed by {svc2} loaded slowly but stayed usable.",
    "Monitoring paged the on-call engineer {m} minutes into the impact.",
    "Because the mobile apps retry in the background, users noticed fewer failures than the edge logs recorded.",
    "Finance estimates that {n} orders were abandoned; many were completed later that day.",
    "The timing, late at night in {region}, kept the number of affected users lower than it could have been.",
    "Two separate incident channels were opened by different teams before the incident commander merged them.",
    "Scheduled exports were held back by the outage and caught up on their own afterwards.",
    "This report covers the {dur_h} from the first failed request until {metric} settled at its usual level.",
    "A handful of large customers raised the outage with their account managers while it was ongoing.",
    "We stayed within our SLAs but spent the rest of the quarter's error budget for {svc}.",
    "For the first {m} minutes a single engineer handled the response before others joined.",
    "Partner integrations that poll {svc} every minute logged {n} failed calls during the window.",
    "The incident began during a routine change window, so several engineers were already online.",
];

pub const CAUSE: &[&str] = &[
    "What set things off was {cause}.",
    "Every request to {svc} makes a synchronous call to {svc2}, and that call had no deadline.",
    "Once {metric} passed its limit, instances started failing their readiness checks.",
    "The load balancer pulled those instances out of rotation, concentrating traffic on the survivors until they failed as well.",
    "Code review and staging both passed, because staging carries a small fraction of production traffic and none of its data skew.",
    "We had a near-identical incident the year before, and its main follow-up was still open.",
    "The rise in {metric} was visible on the service dashboard, yet nothing alerted on it.",
    "Client retries roughly tripled the inbound request rate within a couple of minutes.",
    "The runbook still referenced a command that had been removed from our tooling months earlier.",
    "Our deploy tooling marked the rollout healthy as soon as the processes started, without checking that they answered requests.",
    "At the peak, the logs recorded about {n} errors per second.",
    "The change request did not mention {svc2} at all, so nobody watched it during the rollout.",
    "To understand the dependency, the on-call engineer had to page the team that owns {svc2}.",
    "Pending connections piled up in the accept queue until the kernel started dropping them.",
    "This failure mode had already shown up during a load test in the spring, but it was filed as a test artifact.",
    "Because {svc} caches failed lookups, errors kept being served for minutes after the trigger was gone.",
    "The canary step had been switched off during a busy release week and was never switched back on.",
    "Alert thresholds on {metric} were tuned against average load and ignored the evening peak.",
    "Retries opened fresh connections rather than reusing pooled ones, which multiplied the pressure on {svc2}.",
    "The owners of {svc2} did not know that {svc} had come to depend on them for every request.",
    "The client library ships with a circuit breaker, but its trip threshold was set too high to ever fire.",
    "Log volume grew by an order of magnitude, the log shipper started to shed messages, and diagnosis slowed down as a result.",
    "The fallback path had not run in production for more than a year and failed the first time it was needed.",
    "An auto-healing script kept restarting the affected processes, which masked the original error on the dashboards.",
    "The capacity plan for {svc} assumed growth that real traffic had overtaken a quarter earlier.",
    "Because {svc} is not yet supported by the progressive delivery tooling, the change reached every region at once.",
    "Readiness checks only confirmed that the port was open, not that {svc} could reach its own dependencies.",
    "Each hop in the call chain used a longer timeout than the one behind it, so the outermost callers waited longest and held the most resources.",
    "The change freeze calendar did not know about the product launch that produced the traffic spike.",
    "Nobody clearly owned the configuration file involved, and four teams had changed it in the previous six weeks.",
    "A dashboard that would have pointed straight at {svc2} had been deleted during a cleanup the month before.",
    "Version {ver} of {svc} had been running in one region for a week without anyone noticing the slow rise in {metric}.",
];

pub const RECOVERY: &[&str] = &[
    "At {t}, the on-call engineer {fix}.",
    "Within {m} minutes of that change, the error rate was back to its normal level.",
    "We left the incident open for one more hour and watched {metric} before closing it.",
    "The {n} delayed jobs in the queue had all completed by {t}.",
    "Synthetic probes from three continents confirmed that {svc} was healthy again.",
    "Traffic returned to the affected zone in steps of ten percent.",
    "Support followed up with every customer who had opened a ticket during the outage.",
    "After the fix, the team replayed the failed requests that had been parked in the dead-letter queue.",
    "At {t}, the incident commander handed over to the next shift with a written status summary.",
    "Before re-enabling writes, we compared checksums between the primary and its replicas.",
    "A temporary rate limit shielded {svc2} while the caches refilled.",
    "Rolling back was slow because the previous build artifact had expired and had to be rebuilt.",
    "Customers who were charged twice were refunded by a reconciliation job that evening.",
    "The status page moved to resolved at {t}, after {m} minutes without new errors.",
    "Engineers kept {svc} on the older version for two days while the fix went through review.",
    "A follow-up check the next morning found no lingering errors in {svc} or {svc2}.",
];

/// Timeline rows by phase, each list in the order its rows happen, so a
/// table always reads trigger, detection, response, recovery.
pub const TIMELINE: [&[&str]; 4] = [
    &[
        "Rollout of {svc} {ver} began",
        "Change {chg} applied in production",
        "Planned maintenance on {svc2} started",
        "Traffic to {svc} climbed past the planned peak",
        "Nightly batch job on {svc2} started",
    ],
    &[
        "Page: {metric} on {svc} over threshold",
        "Support escalated the first customer report of {symptom}",
        "{person} acknowledged the page",
        "External probes for {svc} failing from {region}",
        "Error budget burn alert for {svc}",
    ],
    &[
        "{person} declared a {sev} incident and took command",
        "Status page: investigating {symptom} affecting {svc}",
        "Owners of {svc2} joined the bridge",
        "{cause_c} identified as the probable trigger",
        "Traffic drained from the affected zone",
        "Support briefed and a reply template shared",
        "Deploys to {svc} frozen until further notice",
    ],
    &[
        "On-call {fix}",
        "{metric_c} back within its normal range",
        "Error rates on {svc2} back to baseline",
        "Dashboards green; incident resolved",
        "Status page: resolved",
        "{person} assigned as postmortem owner",
    ],
];

/// Log lines for the Root Cause excerpt, in logfmt.
pub const LOG_LINES: &[&str] = &[
    "{ts} lvl=error svc={svc} pid={pid} msg=\"upstream reset\" peer={svc2}",
    "{ts} lvl=warn svc={svc} pid={pid} msg=\"deadline exceeded\" call={svc2}",
    "{ts} lvl=error svc={svc} pid={pid} msg=\"pool exhausted\" waiting={n}",
    "{ts} lvl=info svc={svc} pid={pid} msg=\"readiness failed\" code=503",
    "{ts} lvl=error svc={svc} pid={pid} msg=\"x509: certificate expired\"",
    "{ts} lvl=warn svc={svc} pid={pid} msg=\"gc pause\" took=3.8s",
    "{ts} lvl=error svc={svc} pid={pid} msg=\"write: no space left on device\"",
    "{ts} lvl=error svc={svc} pid={pid} msg=\"accept: too many open files\"",
];

/// Config snippets for the Root Cause section: (info string, text).
pub const SNIPPETS: &[(&str, &str)] = &[
    (
        "yaml",
        "autoscaling:\n  minReplicas: 2\n  maxReplicas: {n}\n  targetCPUUtilizationPercentage: 95\nprobes:\n  readiness:\n    path: /ready\n    periodSeconds: 5\n    timeoutSeconds: 1\n",
    ),
    (
        "toml",
        "[client.{svc2}]\nretries = {n}\nbackoff = \"0ms\"\ntimeout = \"0s\"   # no deadline at all\n",
    ),
    (
        "hcl",
        "resource \"aws_db_instance\" \"primary\" {\n  instance_class          = \"db.r6g.large\"\n  allocated_storage       = {n}\n  apply_immediately       = true\n  backup_retention_period = 0\n}\n",
    ),
    (
        "sql",
        "CREATE INDEX idx_events_tenant ON events (tenant_id, created_at);\n-- built without CONCURRENTLY: writes blocked for {n} s\n",
    ),
    (
        "json",
        "{\n  \"flag\": \"new-{svc}-path\",\n  \"enabled\": true,\n  \"rollout_percent\": 100,\n  \"max_rps\": {n}\n}\n",
    ),
    (
        "haproxy",
        "backend {svc}\n    option httpchk GET /health\n    timeout check 500ms\n    server a1 10.2.0.11:8443 check fall 1\n    server a2 10.2.0.12:8443 check fall 1\n",
    ),
];
