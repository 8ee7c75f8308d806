import HermesTools

/// How the gateway listens, which platforms it serves and how it schedules turns; the API key is
/// checked apart, as an `APIServerKey`. Defaults follow the Python project's API server and
/// gateway where it has one.
public struct GatewayConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port; 0 picks a free one.
    public var port: Int
    /// The model id `/v1/models` lists and replies name when the request names none.
    public var advertisedModel: String
    /// The largest request body accepted (413 past it). The Python server's limit is 10 MB.
    public var maxBodyBytes: Int
    /// The most messages one chat-completions request may carry (400 `too_many_messages`).
    public var maxMessages = 1_000
    /// The most characters of message content one request may carry (400 `request_too_long`).
    public var maxRequestCharacters = 2_000_000
    /// Connections open at once; past it new ones wait in the listen backlog until one closes.
    public var maxConnections = 1_024
    /// How long a connection may send nothing while its request is being read, or between
    /// requests, before it is closed; a running turn is never cut.
    public var idleTimeout: Duration = .seconds(60)
    /// Turns running at once over all sessions.
    public var maxConcurrentTurns: Int
    /// Turns of one session that may wait behind its running turn (429 past it).
    public var maxQueuedPerSession: Int
    /// Turns admitted (running or waiting) over all sessions (429 past it), so that a flood
    /// across many sessions cannot queue without bound.
    public var maxPendingTurns: Int
    /// The `Retry-After` sent with a 429, in seconds.
    public var retryAfterSeconds: Int
    /// Agents kept in memory (least recently used dropped first). The Python gateway keeps 128.
    public var agentCacheSize: Int
    /// How long an unused agent is kept. The Python gateway keeps one for an hour.
    public var agentIdleTTL: Duration
    /// How long a graceful shutdown waits for running turns before cancelling them.
    public var shutdownGracePeriod: Duration
    /// The Telegram webhook (`POST /webhook/telegram`); `nil` leaves it off.
    public var telegram: TelegramSettings?
    /// Signed generic webhooks (`POST /webhook/{name}`), by route name.
    public var webhooks: [String: WebhookRoute]
    /// Who may talk to the bot on the chat platforms: nobody but paired users unless an allowlist
    /// or an allow-all switch says otherwise.
    public var access = AccessPolicy()
    /// Where DM pairing keeps its files (`$HERMES_HOME/platforms/pairing`); nil: no pairing, so
    /// unknown users get no answer.
    public var pairingDirectory: String?
    /// Which plain messages a chat gets about its background processes
    /// (`display.background_process_notifications`).
    public var backgroundNotifications = BackgroundNotifications.all

    /// Makes a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = 8642, advertisedModel: String = "hermes-agent",
        maxBodyBytes: Int = 10_000_000, maxConcurrentTurns: Int = 64, maxQueuedPerSession: Int = 16,
        maxPendingTurns: Int = 4096,
        retryAfterSeconds: Int = 1, agentCacheSize: Int = 128, agentIdleTTL: Duration = .seconds(3600),
        shutdownGracePeriod: Duration = .seconds(30), telegram: TelegramSettings? = nil,
        webhooks: [String: WebhookRoute] = [:]
    ) {
        self.host = host
        self.port = port
        self.advertisedModel = advertisedModel
        self.maxBodyBytes = maxBodyBytes
        self.maxConcurrentTurns = maxConcurrentTurns
        self.maxQueuedPerSession = maxQueuedPerSession
        self.maxPendingTurns = maxPendingTurns
        self.retryAfterSeconds = retryAfterSeconds
        self.agentCacheSize = agentCacheSize
        self.agentIdleTTL = agentIdleTTL
        self.shutdownGracePeriod = shutdownGracePeriod
        self.telegram = telegram
        self.webhooks = webhooks
    }
}

/// The Telegram bot the gateway answers for.
public struct TelegramSettings: Sendable {
    /// The bot's token (`TELEGRAM_BOT_TOKEN`).
    public var botToken: String
    /// The `secret_token` given to `setWebhook` (`TELEGRAM_WEBHOOK_SECRET`); when set, updates
    /// without it in `X-Telegram-Bot-Api-Secret-Token` are refused with 401.
    public var secretToken: String?
    /// The Bot API root (`TELEGRAM_API_BASE_URL`); a platform simulator's address in tests.
    public var apiBaseURL: String
    /// The shortest time between two edits of a streamed reply in one chat.
    public var editInterval: Duration

    /// Makes settings.
    public init(
        botToken: String, secretToken: String? = nil, apiBaseURL: String = "https://api.telegram.org",
        editInterval: Duration = .seconds(1)
    ) {
        self.botToken = botToken
        self.secretToken = secretToken
        self.apiBaseURL = apiBaseURL
        self.editInterval = editInterval
    }
}

/// One signed generic webhook route, as the Python project's webhook platform defines them.
public struct WebhookRoute: Sendable {
    /// The HMAC-SHA256 key (`X-Hub-Signature-256: sha256=<hex>`; `X-Gitlab-Token` is compared
    /// with it as is).
    public var secret: String
    /// The message for the agent, with `{dotted.keys}` of the JSON payload, `{event_type}` and
    /// `{__raw__}` filled in; empty gives the whole payload.
    public var prompt: String
    /// Event types accepted (`X-GitHub-Event`, or the payload's `event_type`/`type`); empty: all.
    public var events: [String]

    /// Makes a route.
    public init(secret: String, prompt: String = "", events: [String] = []) {
        self.secret = secret
        self.prompt = prompt
        self.events = events
    }
}
