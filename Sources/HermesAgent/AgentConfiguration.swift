/// How an agent runs its turns.
public struct AgentConfiguration: Sendable {
    /// The session's system prompt, put before the history (built as Python builds it,
    /// `SystemPrompt`, and stored with the session).
    public var systemPrompt: String
    /// Python's ephemeral system prompt (`agent.system_prompt`, `HERMES_EPHEMERAL_SYSTEM_PROMPT`):
    /// added after `systemPrompt` on every model call, never stored.
    public var ephemeralSystemPrompt: String?
    /// The model name sent with each request; `nil` uses the client's default.
    public var model: String?
    /// The toolsets whose tools the model may call (`all` for every toolset).
    public var toolsets: [String]
    /// The most model calls one turn may make before it stops.
    public var maxIterations: Int
    /// Whether model calls stream (needed for text deltas).
    public var stream: Bool
    /// Upper bound on tokens per model call.
    public var maxTokens: Int?
    /// Sampling temperature.
    public var temperature: Double?
    /// How often a model call whose tool-call arguments are not JSON is asked again.
    public var malformedToolCallRetries: Int
    /// The longest tool result the model is given, in characters; past it the middle is dropped
    /// behind a marker (Python's per-result budget, `DEFAULT_RESULT_SIZE_CHARS`).
    public var maxToolResultCharacters = 100_000
    /// Python's nudges to review the memory and the skills after a turn; nil asks for no review.
    public var reviewNudges: ReviewNudges?

    /// Makes a configuration. The defaults follow the Python project (90 iterations).
    public init(
        systemPrompt: String = AgentConfiguration.defaultSystemPrompt, model: String? = nil,
        toolsets: [String] = ["terminal", "file", "web", "todo"], maxIterations: Int = 90, stream: Bool = true,
        maxTokens: Int? = nil, temperature: Double? = nil, malformedToolCallRetries: Int = 2
    ) {
        self.systemPrompt = systemPrompt
        self.model = model
        self.toolsets = toolsets
        self.maxIterations = max(1, maxIterations)
        self.stream = stream
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.malformedToolCallRetries = max(0, malformedToolCallRetries)
    }

    /// A short general-purpose system prompt.
    public static let defaultSystemPrompt =
        "You are Hermes, a helpful assistant with tools. Use tools when they help, and answer concisely."
}

/// Refreshes a session's system prompt after a compression, given the one in force: Python
/// reloads the memory files then, keeps the prompt if it already shows them, and else builds it
/// anew. Errors keep the prompt in force.
public typealias PromptRefresher = @Sendable (_ current: String) async throws -> String
