import HermesCore
import HermesLLM
import HermesTools
import Logging

/// One conversation's agent: keeps its history and runs turns — system prompt + history + the
/// user's message → model → tool calls → results → model … until a final answer or the
/// iteration budget.
///
/// One turn runs at a time (a second concurrent `respond` fails with `.busy`; the gateway's router
/// queues per session). A turn that fails or is cancelled leaves the history as it was.
///
/// With a `ContextCompressor`, a request whose estimated tokens pass the threshold is preceded
/// by a compression of the history; only this session waits for it. After a compression the
/// system prompt is refreshed (`PromptRefresher`), as Python rebuilds it then and only then.
///
/// With `AgentConfiguration.reviewNudges`, a turn after which Python would review the memory or
/// the skills says so in its result (`TurnResult.review`), and `review(_:)` runs that review.
public actor Agent {
    /// The configuration in force.
    public let configuration: AgentConfiguration
    /// The session's system prompt: the configuration's, until a compression refreshes it.
    public private(set) var systemPrompt: String
    /// The conversation so far (without the system prompt).
    public private(set) var history: [Message]
    private let model: any ChatModel
    private let executor: ToolExecutor
    private let toolSpecs: [ToolSpec]
    private let context: ToolContext
    private let logger: Logger
    private let compressor: ContextCompressor?
    /// Estimated tokens of the tool schemas sent with every request.
    private let toolSpecTokens: Int
    /// After a failed summary call, summaries pause for the compressor's cooldown.
    private var cooldown: SummaryCooldown
    private let clock: any HermesClock
    private let refreshPrompt: PromptRefresher?
    private var running = false
    private var reviewCounters: ReviewCounters?
    private let tools: ToolRegistry

    /// Makes an agent. Throws `.configuration` for an unknown toolset. The summary cooldown runs
    /// on `clock`; the durations a turn reports are real time. Without `refreshPrompt` the
    /// system prompt stays as configured.
    public init(
        model: any ChatModel, tools: ToolRegistry, context: ToolContext,
        configuration: AgentConfiguration = AgentConfiguration(), history: [Message] = [],
        compressor: ContextCompressor? = nil, refreshPrompt: PromptRefresher? = nil, logger: Logger? = nil,
        clock: any HermesClock = ContinuousClock()
    ) throws(AgentError) {
        try self.init(
            model: model, tools: tools, context: context, configuration: configuration, history: history,
            compressor: compressor, refreshPrompt: refreshPrompt, restriction: nil, logger: logger, clock: clock)
    }

    /// An agent whose tools run only if `restriction` names them (a review's).
    private init(
        model: any ChatModel, tools: ToolRegistry, context: ToolContext, configuration: AgentConfiguration,
        history: [Message], compressor: ContextCompressor?, refreshPrompt: PromptRefresher?,
        restriction: (tools: Set<String>, refusal: @Sendable (String) -> String)?, logger: Logger?, clock: any HermesClock
    ) throws(AgentError) {
        do {
            toolSpecs = try tools.specs(forToolsets: configuration.toolsets)
        } catch {
            throw AgentError(.configuration, error.message)
        }
        self.model = model
        self.tools = tools
        self.configuration = configuration
        self.systemPrompt = configuration.systemPrompt
        self.refreshPrompt = refreshPrompt
        self.history = history
        self.context = context
        self.reviewCounters = configuration.reviewNudges.map { ReviewCounters(nudges: $0, history: history) }
        self.executor = ToolExecutor(
            registry: tools, enabled: Set(toolSpecs.map(\.name)), maxResultCharacters: configuration.maxToolResultCharacters,
            restriction: restriction)
        self.logger = logger ?? Logger(label: "hermes.agent")
        self.compressor = compressor
        self.clock = clock
        cooldown = SummaryCooldown(duration: compressor?.settings.failureCooldown ?? .zero)
        // Only a compressing agent needs it, and agents are made per session: skip the work otherwise.
        toolSpecTokens =
            compressor == nil
            ? 0 : TokenEstimator().tokens(in: toolSpecs.map { "\($0.name) \($0.description) \($0.parameters)" }.joined())
    }

    /// The session this agent serves.
    public nonisolated var sessionID: SessionID { context.sessionID }

    /// Runs one turn for the user's `text`; `onEvent` sees text deltas and tool progress.
    ///
    /// `instructions` are added to the system prompt for this turn only (an API caller's own
    /// system message, after the ephemeral prompt, as Python adds it); they are not part of the
    /// history.
    public func respond(
        to text: String, instructions: String? = nil, onEvent: AgentEventHandler? = nil
    ) async throws -> TurnResult {
        guard !running else {
            throw AgentError(.busy, "session \(context.sessionID) is already running a turn; wait for it to finish")
        }
        running = true
        defer { running = false }
        // Python allows a few failed memory consolidations per turn, counted afresh each turn.
        await context.memory?.resetConsolidationFailures()
        let reviewMemory =
            reviewCounters?.turnStarted(memoryOffered: executor.enabled.contains("memory") && context.memory != nil) ?? false

        let started = ContinuousClock.now
        var base = history
        var compaction: Compaction?
        var added: [Message] = [.user(text)]
        var usage = Usage.zero
        var modelCalls = 0
        var modelTime = Duration.zero
        var toolTime = Duration.zero
        var firstToken: Duration?
        var toolRuns: [ToolRun] = []
        var sessionPrompt = systemPrompt
        var requestPrompt = withExtras(sessionPrompt, instructions)
        var forward: ChatEventHandler?
        if let onEvent {
            forward = { @Sendable event in
                if case .textDelta(let piece) = event { onEvent(.textDelta(piece)) }
            }
        }

        while modelCalls < configuration.maxIterations {
            try Task.checkCancellation()
            reviewCounters?.modelCall(skillsOffered: executor.enabled.contains("skill_manage"))
            if let done = await compressIfNeeded(base, then: added, systemPrompt: requestPrompt) {
                base = done.history
                compaction = done
                sessionPrompt = await refreshed(sessionPrompt)
                requestPrompt = withExtras(sessionPrompt, instructions)
            }
            let request = ChatRequest(
                model: configuration.model, messages: [.system(requestPrompt)] + base + added,
                tools: toolSpecs, stream: configuration.stream, maxTokens: configuration.maxTokens,
                temperature: configuration.temperature
            )
            let callStarted = ContinuousClock.now
            let completion = try await complete(request, onEvent: forward)
            modelTime += ContinuousClock.now - callStarted
            if firstToken == nil, let ttft = completion.timeToFirstToken {
                firstToken = callStarted + ttft - started
            }
            modelCalls += 1
            usage += completion.usage ?? .zero
            added.append(completion.message)

            if completion.message.toolCalls.isEmpty {
                return finish(
                    base: base, added: added, compaction: compaction, prompt: sessionPrompt, reviewMemory: reviewMemory,
                    reply: completion.message.content ?? "",
                    usage: usage, modelCalls: modelCalls, stop: .completed, runs: toolRuns, started: started,
                    modelTime: modelTime, toolTime: toolTime, firstToken: firstToken)
            }
            let toolsStarted = ContinuousClock.now
            let runs = try await executor.execute(completion.message.toolCalls, context: context, onEvent: onEvent)
            toolTime += ContinuousClock.now - toolsStarted
            toolRuns += runs
            for run in runs {
                added.append(.tool(callID: run.call.id, name: run.call.name, content: run.result))
                if executor.enabled.contains(run.call.name) { reviewCounters?.toolRan(run.call.name) }
            }
        }
        logger.info(
            "turn reached its iteration budget",
            metadata: ["hermes.session.id": "\(context.sessionID)", "hermes.iterations": "\(modelCalls)"])
        let reply = "I stopped after \(modelCalls) model calls (the iteration budget) before reaching a final answer."
        added.append(.assistant(reply))
        return finish(
            base: base, added: added, compaction: compaction, prompt: sessionPrompt, reviewMemory: reviewMemory,
            reply: reply, usage: usage, modelCalls: modelCalls,
            stop: .iterationBudget, runs: toolRuns, started: started, modelTime: modelTime, toolTime: toolTime,
            firstToken: firstToken)
    }

    /// The session's prompt followed by the ephemeral prompt and the caller's instructions, as
    /// each model call of the turn sends it.
    private func withExtras(_ prompt: String, _ instructions: String?) -> String {
        var prompt = prompt
        for extra in [configuration.ephemeralSystemPrompt, instructions] {
            if let extra, !extra.isEmpty { prompt += "\n\n" + extra }
        }
        return prompt
    }

    /// The prompt to go on with after a compression: `current`, or what `refreshPrompt` makes of
    /// it. A refresh that fails keeps `current` (the session goes on as it was) and is logged.
    private func refreshed(_ current: String) async -> String {
        guard let refreshPrompt else { return current }
        do {
            return try await refreshPrompt(current)
        } catch {
            logger.warning(
                "the system prompt could not be rebuilt after a compression; the session keeps its prompt",
                metadata: ["hermes.session.id": "\(context.sessionID)", "error": "\(error)"])
            return current
        }
    }

    /// Compresses `base` when the request it would make with `added` passes the threshold; nil
    /// when no compression was needed or possible.
    private func compressIfNeeded(_ base: [Message], then added: [Message], systemPrompt: String) async -> Compaction? {
        guard let compressor else { return nil }
        let estimator = TokenEstimator()
        let tokens =
            estimator.tokens(in: .system(systemPrompt)) + estimator.tokens(in: base) + estimator.tokens(in: added)
            + toolSpecTokens
        guard compressor.needsCompression(tokens: tokens) else { return nil }
        let now = clock.now
        let summariesAllowed = cooldown.allowsSummaries(at: now)
        guard
            let compaction = await compressor.compress(
                base, summariesAllowed: summariesAllowed, model: configuration.model)
        else { return nil }
        if compaction.outcome == .fallback, summariesAllowed {
            cooldown.summaryFailed(at: now)
            logger.warning(
                "context summary failed; dropped the oldest turns instead",
                metadata: [
                    "hermes.session.id": "\(context.sessionID)", "error": "\(compaction.failure ?? "")",
                    "hermes.summaries_paused_for": "\(compressor.settings.failureCooldown)",
                ])
        }
        return compaction
    }

    /// Replaces the history (a session rebuilt from the store, a compressed history).
    /// Fails with `.busy` while a turn is running.
    public func replaceHistory(_ messages: [Message]) throws(AgentError) {
        guard !running else {
            throw AgentError(.busy, "session \(context.sessionID) is running a turn; its history cannot change now")
        }
        history = messages
    }

    /// Calls the model, asking again when its tool-call arguments are not JSON (models do that
    /// now and then; a second sample usually is fine).
    private func complete(_ request: ChatRequest, onEvent: ChatEventHandler?) async throws -> ChatCompletion {
        var failures = 0
        while true {
            do {
                return try await model.complete(request, onEvent: onEvent)
            } catch let error as LLMError {
                if error.code == .invalidToolArguments, failures < configuration.malformedToolCallRetries {
                    failures += 1
                    logger.debug("asking the model again after malformed tool arguments")
                    continue
                }
                throw AgentError(.model, "the model call failed: \(error.message)", cause: error)
            }
        }
    }

    private func finish(
        base: [Message], added: [Message], compaction: Compaction?, prompt: String, reviewMemory: Bool, reply: String,
        usage: Usage, modelCalls: Int, stop: TurnResult.StopReason, runs: [ToolRun], started: ContinuousClock.Instant,
        modelTime: Duration, toolTime: Duration, firstToken: Duration?
    ) -> TurnResult {
        history = base + added
        let rebuilt = prompt == systemPrompt ? nil : prompt
        systemPrompt = prompt
        let reviewSkills = reviewCounters?.turnEnded(skillsOffered: executor.enabled.contains("skill_manage")) ?? false
        var review: ReviewRequest?
        // As Python: a review follows a turn that gave an answer.
        if reviewMemory || reviewSkills, !reply.isEmpty {
            review = ReviewRequest(memory: reviewMemory, skills: reviewSkills, history: history, systemPrompt: prompt)
        }
        return TurnResult(
            reply: reply, messages: added, usage: usage, modelCalls: modelCalls, stopReason: stop, toolRuns: runs,
            duration: ContinuousClock.now - started, modelTime: modelTime, toolTime: toolTime,
            timeToFirstToken: firstToken, compaction: compaction, systemPrompt: rebuilt, review: review)
    }

    /// Runs `request` as Python's `_run_review_in_thread` does: a fork of this agent, with the
    /// session's prompt and tools (so that its request shares the session's cached prefix), the
    /// conversation to review, at most 16 model calls, no compression and no reviews of its own,
    /// allowed to run only the memory and skills tools (the others are refused). What it writes
    /// lands in the memory files and the skills directory; nothing of it is in the session.
    /// Returns the review's turn.
    public nonisolated func review(_ request: ReviewRequest) async throws -> TurnResult {
        var forked = configuration
        forked.systemPrompt = request.systemPrompt
        forked.maxIterations = 16
        forked.reviewNudges = nil
        let toolsets = context.memory == nil ? ["skills"] : ["memory", "skills"]
        let allowed = Set(toolsets.flatMap { tools.tools(inToolset: $0) ?? [] })
        let fork = try Agent(
            model: model, tools: tools, context: context, configuration: forked, history: request.history,
            compressor: nil, refreshPrompt: nil, restriction: (allowed, PythonReviewPrompts.denial), logger: logger,
            clock: clock)
        return try await fork.respond(to: request.prompt)
    }
}
