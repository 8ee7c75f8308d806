import Foundation
import Prometheus
import Synchronization

/// Every Hermes metric, declared once with its help text in one Prometheus registry, and the
/// `record…` methods the other modules call (they need not know Prometheus).
///
/// Declared here rather than through the swift-metrics facade: swift-prometheus 2.4.1 emits no
/// `# HELP` line for facade metrics (promtool then rejects the exposition), and touching through
/// the facade a name declared here with help traps on the help mismatch.
public final class HermesMetrics: Sendable {
    /// The registry behind `/metrics`.
    public let registry = PrometheusCollectorRegistry()
    /// `hermes_turn_duration_seconds`: one agent turn, from its start to its messages stored.
    let turnDuration: DurationHistogram
    /// `hermes_llm_request_duration_seconds`: one model call, retries included.
    let llmRequestDuration: DurationHistogram
    /// `hermes_store_commit_duration_seconds`: one group commit, `BEGIN` to `COMMIT`.
    let storeCommitDuration: DurationHistogram
    /// `hermes_platform_reply_duration_seconds{platform="telegram"}`: webhook accepted to reply
    /// fully delivered to the platform.
    let telegramReplyDuration: DurationHistogram
    /// `hermes_compression_duration_seconds`: one context compression, summary call included.
    let compressionDuration: DurationHistogram
    /// `hermes_turn_queue_wait_seconds`: admission to start, behind the session's earlier turns
    /// and the concurrency limit.
    let queueWait: DurationHistogram
    /// `hermes_store_batch_size`: writes per group commit.
    let storeBatchSize: ValueHistogram
    /// `hermes_agent_cache_entries`: agents in memory.
    let agentCacheEntries: Gauge
    /// `hermes_agent_cache_evictions_total`: agents dropped for capacity or idleness.
    let agentCacheEvictions: Counter
    /// `hermes_inflight_turns`: turns running now.
    let inflightTurns: Gauge
    /// `hermes_queue_rejections_total`: turns refused because their session's queue was full.
    let queueRejections: Counter
    /// `hermes_allocated_bytes`: live bytes allocated through jemalloc.
    let allocatedBytes: Gauge
    /// `hermes_resident_bytes`: resident memory of the allocator (jemalloc), else of the process.
    let residentBytes: Gauge
    /// `process_start_time_seconds`: when the process started, in seconds since 1970.
    let processStartTime: Gauge

    private let labelled = Mutex(Labelled())

    private struct Labelled {
        var llmRequests: [String: Counter] = [:]
        var toolDurations: [String: DurationHistogram] = [:]
        var compressions: [String: Counter] = [:]
        var unauthorized: [String: Counter] = [:]
        var rejected: [String: Counter] = [:]
    }

    /// Buckets for durations from a millisecond to two minutes.
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60), .seconds(120),
    ]
    /// Buckets for fast operations (store commits): 50 µs to a second.
    static let fastBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
        .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .seconds(1),
    ]

    /// Declares every metric; `processStart` is the process's start time (seconds since 1970).
    public init(processStart: Double = ProcessStats.startTime ?? Date().timeIntervalSince1970) {
        turnDuration = registry.makeDurationHistogram(
            descriptor: Self.name("hermes_turn_duration", "seconds", "Agent turns, from start to messages stored."),
            buckets: Self.durationBuckets)
        llmRequestDuration = registry.makeDurationHistogram(
            descriptor: Self.name("hermes_llm_request_duration", "seconds", "Model calls, retries included."),
            buckets: Self.durationBuckets)
        storeCommitDuration = registry.makeDurationHistogram(
            descriptor: Self.name("hermes_store_commit_duration", "seconds", "Session store group commits, BEGIN to COMMIT."),
            buckets: Self.fastBuckets)
        telegramReplyDuration = registry.makeDurationHistogram(
            descriptor: Self.name(
                "hermes_platform_reply_duration", "seconds", "Chat platform messages, from webhook accepted to reply delivered."),
            labels: [("platform", "telegram")], buckets: Self.durationBuckets)
        compressionDuration = registry.makeDurationHistogram(
            descriptor: Self.name("hermes_compression_duration", "seconds", "Context compressions, summary call included."),
            buckets: Self.durationBuckets)
        queueWait = registry.makeDurationHistogram(
            descriptor: Self.name(
                "hermes_turn_queue_wait", "seconds", "Agent turns, from admission to start (behind their session and the concurrency limit)."),
            buckets: Self.fastBuckets + [.seconds(5), .seconds(30), .seconds(120)])
        storeBatchSize = registry.makeValueHistogram(
            descriptor: Self.name("hermes_store_batch", "size", "Writes per session store group commit."),
            buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512])
        agentCacheEntries = registry.makeGauge(
            descriptor: Self.name("hermes_agent_cache", "entries", "Agents held in memory."))
        agentCacheEvictions = registry.makeCounter(
            descriptor: Self.name("hermes_agent_cache_evictions", "total", "Agents dropped for capacity or idleness."))
        inflightTurns = registry.makeGauge(
            descriptor: Self.name("hermes_inflight", "turns", "Agent turns running now."))
        queueRejections = registry.makeCounter(
            descriptor: Self.name("hermes_queue_rejections", "total", "Turns refused because their session's queue was full."))
        allocatedBytes = registry.makeGauge(
            descriptor: Self.name("hermes_allocated", "bytes", "Bytes in live allocations (jemalloc stats.allocated)."))
        residentBytes = registry.makeGauge(
            descriptor: Self.name("hermes_resident", "bytes", "Resident allocator memory (jemalloc stats.resident)."))
        processStartTime = registry.makeGauge(
            descriptor: Self.name("process_start_time", "seconds", "Start time of the process since unix epoch in seconds."))
        processStartTime.set(processStart)
    }

    /// `hermes_llm_requests_total{status}`: model calls by outcome (`ok`, an HTTP status, or a
    /// failure kind such as `timeout`).
    func llmRequests(status: String) -> Counter {
        counter(\.llmRequests, "hermes_llm_requests", "Model calls by outcome.", label: "status", value: status)
    }

    /// `hermes_compressions_total{outcome}`: context compressions by outcome (`summarized`,
    /// `cached`, `fallback`).
    func compressions(outcome: String) -> Counter {
        counter(\.compressions, "hermes_compressions", "Context compressions by outcome.", label: "outcome", value: outcome)
    }

    /// The `…_total` counter of `name` with `label=value`, declared on first use and kept in `cache`.
    private func counter(
        _ cache: WritableKeyPath<Labelled, [String: Counter]>, _ name: String, _ help: String, label: String,
        value: String
    ) -> Counter {
        labelled.withLock { labelled in
            if let counter = labelled[keyPath: cache][value] { return counter }
            let counter = registry.makeCounter(descriptor: Self.name(name, "total", help), labels: [(label, value)])
            labelled[keyPath: cache][value] = counter
            return counter
        }
    }

    /// `hermes_tool_duration_seconds{tool}`: tool calls by tool.
    func toolDuration(_ tool: String) -> DurationHistogram {
        labelled.withLock { labelled in
            if let histogram = labelled.toolDurations[tool] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: Self.name("hermes_tool_duration", "seconds", "Tool calls by tool."), labels: [("tool", tool)],
                buckets: Self.durationBuckets)
            labelled.toolDurations[tool] = histogram
            return histogram
        }
    }

    /// A model call that took `duration` and ended with `status` (`ok`, an HTTP status, a failure kind).
    public func recordModelCall(_ duration: Duration, status: String) {
        llmRequestDuration.record(duration)
        llmRequests(status: status).increment()
    }

    /// A turn started.
    public func turnStarted() { inflightTurns.increment() }

    /// A turn that started ended (finished or not) after `duration`.
    public func turnEnded(after duration: Duration) {
        inflightTurns.decrement()
        turnDuration.record(duration)
    }

    /// A call of `tool` that ran for `duration`.
    public func recordToolCall(_ tool: String, duration: Duration) { toolDuration(tool).record(duration) }

    /// A Telegram reply fully delivered `duration` after its webhook was accepted.
    public func recordTelegramReply(after duration: Duration) { telegramReplyDuration.record(duration) }

    /// A context compression that ended with `outcome` after `duration`.
    public func recordCompression(outcome: String, duration: Duration) {
        compressions(outcome: outcome).increment()
        compressionDuration.record(duration)
    }

    /// A platform message refused because its sender may not talk to the bot
    /// (`hermes_unauthorized_messages_total{platform}`).
    public func recordUnauthorizedMessage(platform: String) {
        counter(
            \.unauthorized, "hermes_unauthorized_messages", "Platform messages refused because their sender is not allowed.",
            label: "platform", value: platform
        ).increment()
    }

    /// A request refused for passing a limit: `body_too_large`, `too_many_messages`,
    /// `request_too_long`, `session_busy`, `headers_too_large`, `malformed_request`
    /// (`hermes_rejected_requests_total{reason}`).
    public func recordRejectedRequest(reason: String) {
        counter(\.rejected, "hermes_rejected_requests", "Requests refused for passing a limit, by reason.", label: "reason", value: reason)
            .increment()
    }

    /// A turn refused because its session's queue was full.
    public func recordQueueRejection() { queueRejections.increment() }

    /// An admitted turn started after waiting `duration` for its place.
    public func recordQueueWait(_ duration: Duration) { queueWait.record(duration) }

    /// The agent cache now holds `count` agents.
    public func setAgentCacheEntries(_ count: Int) { agentCacheEntries.set(Double(count)) }

    /// The agent cache dropped an agent.
    public func recordAgentEviction() { agentCacheEvictions.increment() }

    /// A store commit of `writes` operations that took `duration`.
    public func recordStoreCommit(writes: Int, duration: Duration) {
        storeCommitDuration.record(duration)
        storeBatchSize.record(Double(writes))
    }

    /// The Prometheus text exposition (format 0.0.4), with the memory gauges read now.
    public func exposition() -> [UInt8] {
        if let allocation = Jemalloc.snapshot() {
            allocatedBytes.set(Double(allocation.allocated))
            residentBytes.set(Double(allocation.resident))
        } else if let process = ProcessStats.current() {
            residentBytes.set(Double(process.residentBytes))
        }
        return registry.emitToBuffer()
    }

    private static func name(_ base: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: base, unitName: unit, helpText: help)
    }
}
