/// How the gateway listens, authenticates and schedules turns. Defaults follow the Python
/// project's API server and gateway where it has one.
public struct GatewayConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port; 0 picks a free one.
    public var port: Int
    /// `API_SERVER_KEY`: when set, `/v1/*` requires `Authorization: Bearer <key>`, and session
    /// continuation (`X-Hermes-Session-Id`) is allowed.
    public var apiKey: String?
    /// The model id `/v1/models` lists and replies name when the request names none.
    public var advertisedModel: String
    /// The largest request body accepted (413 past it). The Python server's limit is 10 MB.
    public var maxBodyBytes: Int
    /// Turns running at once over all sessions.
    public var maxConcurrentTurns: Int
    /// Turns of one session that may wait behind its running turn (429 past it).
    public var maxQueuedPerSession: Int
    /// The `Retry-After` sent with a 429, in seconds.
    public var retryAfterSeconds: Int
    /// Agents kept in memory (least recently used dropped first). The Python gateway keeps 128.
    public var agentCacheSize: Int
    /// How long an unused agent is kept. The Python gateway keeps one for an hour.
    public var agentIdleTTL: Duration
    /// How long a graceful shutdown waits for running turns before cancelling them.
    public var shutdownGracePeriod: Duration

    /// Makes a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = 8642, apiKey: String? = nil, advertisedModel: String = "hermes-agent",
        maxBodyBytes: Int = 10_000_000, maxConcurrentTurns: Int = 64, maxQueuedPerSession: Int = 16,
        retryAfterSeconds: Int = 1, agentCacheSize: Int = 128, agentIdleTTL: Duration = .seconds(3600),
        shutdownGracePeriod: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.advertisedModel = advertisedModel
        self.maxBodyBytes = maxBodyBytes
        self.maxConcurrentTurns = maxConcurrentTurns
        self.maxQueuedPerSession = maxQueuedPerSession
        self.retryAfterSeconds = retryAfterSeconds
        self.agentCacheSize = agentCacheSize
        self.agentIdleTTL = agentIdleTTL
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}
