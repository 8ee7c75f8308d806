/// When and how much a conversation is compressed, with the Python project's defaults
/// (`agent/context_compressor.py`).
public struct CompressionSettings: Sendable, Hashable {
    /// The model's context window, in tokens.
    public var contextLength: Int
    /// Compress once the request's estimated tokens pass this fraction of the window. Windows
    /// under 512K tokens use at least 0.75, as in Python: below that, what cannot be compressed
    /// (system prompt, tool schemas, the protected tail) makes compression fire every turn.
    public var thresholdPercent: Double
    /// Messages at the start kept as they are on the first compression (the task's framing);
    /// later compressions keep none, since the summary already holds them.
    public var protectFirst: Int
    /// The most messages the tail keeps whatever their size (capped at 8, at least 3).
    public var protectLast: Int
    /// The recent tail's token budget as a fraction of the threshold.
    public var summaryTargetRatio: Double
    /// The model that writes summaries; `nil` uses the agent's.
    public var summaryModel: String?
    /// How long a summary call may take before the turn goes on without it.
    public var summaryTimeout: Duration
    /// After a failed summary call, how long summaries are not tried again (the oldest turns
    /// are dropped instead).
    public var failureCooldown: Duration

    /// Makes settings for a model with a `contextLength`-token window.
    public init(
        contextLength: Int, thresholdPercent: Double = 0.5, protectFirst: Int = 3, protectLast: Int = 20,
        summaryTargetRatio: Double = 0.2, summaryModel: String? = nil, summaryTimeout: Duration = .seconds(60),
        failureCooldown: Duration = .seconds(600)
    ) {
        self.contextLength = max(1, contextLength)
        self.thresholdPercent = min(max(thresholdPercent, 0.05), 0.95)
        self.protectFirst = max(0, protectFirst)
        self.protectLast = max(0, protectLast)
        self.summaryTargetRatio = min(max(summaryTargetRatio, 0.1), 0.8)
        self.summaryModel = summaryModel
        self.summaryTimeout = summaryTimeout
        self.failureCooldown = failureCooldown
    }

    /// The threshold in force: `thresholdPercent`, raised to 0.75 for windows under 512K tokens.
    public var effectiveThresholdPercent: Double {
        contextLength < 512_000 ? max(thresholdPercent, 0.75) : thresholdPercent
    }

    /// Estimated request tokens above which a turn compresses first.
    public var thresholdTokens: Int { Int(Double(contextLength) * effectiveThresholdPercent) }

    /// Tokens of recent messages kept verbatim.
    public var tailTokenBudget: Int { Int(Double(thresholdTokens) * summaryTargetRatio) }

    /// The longest summary: 5% of the window, at most 10,000 tokens.
    public var maxSummaryTokens: Int { max(1, min(contextLength / 20, 10_000)) }

    /// The summary budget for a span of `spanTokens`: a fifth of it, at least 2,000 tokens, but
    /// never over `maxSummaryTokens` (Python lets its 2,000 floor exceed the 5% ceiling on small
    /// windows, where the summary then undoes the compression).
    public func summaryBudget(forSpanOf spanTokens: Int) -> Int {
        min(maxSummaryTokens, max(2_000, spanTokens / 5))
    }
}
