import HermesAgent
import HermesCore
import HermesLLM
import HermesSimulators
import HermesTools
import Synchronization
import Testing

@Suite("Agent turns against the LLM simulator over loopback", .timeLimit(.minutes(1)))
struct AgentTurnIntegrationTests {
    static func simulator(toolCalls: [LLMSimulatorConfig.ToolCallRule] = [], firstToken: Duration = .zero)
        -> LLMSimulator
    {
        var config = LLMSimulatorConfig()
        config.firstToken = .init(median: firstToken)
        config.toolCalls = toolCalls
        return LLMSimulator(config: config)
    }

    @Test("parallel-safe calls of one response overlap; an unsafe call runs alone, after them")
    func parallelTools() async throws {
        let registry = ToolRegistry([
            SleepTool.entry("read_a", parallelSafe: true), SleepTool.entry("read_b", parallelSafe: true),
            SleepTool.entry("write_c", parallelSafe: false),
        ])
        let simulator = Self.simulator(toolCalls: [.init(tool: "read_a"), .init(tool: "read_b"), .init(tool: "write_c")])
        try await simulator.withServer { baseURL in
            let agent = try Agent(
                model: OpenAIClient(configuration: .init(baseURL: baseURL)), tools: registry, context: testContext(),
                configuration: AgentConfiguration(toolsets: ["test"]))
            let result = try await agent.respond(to: "do three things")
            let runs = result.toolRuns
            #expect(runs.map(\.call.name) == ["read_a", "read_b", "write_c"])
            let (a, b, c) = (runs[0], runs[1], runs[2])
            #expect(a.started < b.ended && b.started < a.ended, "the two parallel-safe calls overlap in time")
            #expect(c.started >= max(a.ended, b.ended), "the unsafe call starts after the others ended")
            #expect(result.modelCalls == 2)
            #expect(result.stopReason == .completed)
            // The results go back to the model in the order it asked, each answering its call.
            let toolMessages = result.messages.filter { $0.role == .tool }
            #expect(toolMessages.map(\.toolCallID) == runs.map { Optional($0.call.id) })
            #expect(toolMessages.map(\.content) == runs.map { Optional($0.result) })
        }
    }

    @Test("a turn streams text deltas and appends user, assistant and tool messages to the history")
    func streamedTurnWithTool() async throws {
        let simulator = Self.simulator(toolCalls: [.init(tool: "todo", arguments: [:])])
        try await simulator.withServer { baseURL in
            let agent = try Agent(
                model: OpenAIClient(configuration: .init(baseURL: baseURL)), tools: .builtIn(), context: testContext(),
                configuration: AgentConfiguration(toolsets: ["todo"]))
            let deltas = Mutex("")
            let events = Mutex<[String]>([])
            let result = try await agent.respond(to: "what is on my list?") { event in
                switch event {
                case .textDelta(let piece): deltas.withLock { $0 += piece }
                case .toolStarted(let call): events.withLock { $0.append("start \(call.name)") }
                case .toolFinished(let run): events.withLock { $0.append("end \(run.call.name)") }
                }
            }
            #expect(deltas.withLock { $0 } == result.reply)
            #expect(events.withLock { $0 } == ["start todo", "end todo"])
            #expect(result.messages.map(\.role) == [.user, .assistant, .tool, .assistant])
            #expect(await agent.history.count == 4)
            #expect(result.usage.promptTokens > 0)
            #expect(result.timeToFirstToken != nil)
        }
    }

    @Test("an unknown tool and invalid arguments come back to the model as tool errors")
    func toolErrorsGoToTheModel() async throws {
        let simulator = Self.simulator(toolCalls: [
            .init(tool: "read_file", arguments: ["path": 42]), .init(tool: "todo", arguments: ["todos": "nope"]),
        ])
        try await simulator.withServer { baseURL in
            let agent = try Agent(
                model: OpenAIClient(configuration: .init(baseURL: baseURL)), tools: .builtIn(), context: testContext(),
                configuration: AgentConfiguration(toolsets: ["file", "todo"]))
            let result = try await agent.respond(to: "go")
            #expect(result.toolRuns.allSatisfy { $0.isError })
            #expect(result.toolRuns[0].result.contains("'path' must be of type string"))
            #expect(result.toolRuns[1].result.contains("'todos' must be of type array"))
            #expect(result.stopReason == .completed)
        }
    }

    @Test("the iteration budget stops a model that keeps calling tools")
    func iterationBudget() async throws {
        let rules = (1...10).map { LLMSimulatorConfig.ToolCallRule(tool: "todo", arguments: [:], call: $0) }
        let simulator = Self.simulator(toolCalls: rules)
        try await simulator.withServer { baseURL in
            let agent = try Agent(
                model: OpenAIClient(configuration: .init(baseURL: baseURL)), tools: .builtIn(), context: testContext(),
                configuration: AgentConfiguration(toolsets: ["todo"], maxIterations: 3))
            let result = try await agent.respond(to: "loop")
            #expect(result.stopReason == .iterationBudget)
            #expect(result.modelCalls == 3)
        }
    }

    @Test("cancelling a turn mid-call ends it at once and leaves the history unchanged")
    func cancellation() async throws {
        let simulator = Self.simulator(firstToken: .seconds(20))
        try await simulator.withServer { baseURL in
            let agent = try Agent(
                model: OpenAIClient(configuration: .init(baseURL: baseURL)), tools: .builtIn(), context: testContext(),
                configuration: AgentConfiguration(toolsets: ["todo"]))
            let turn = Task { try await agent.respond(to: "this will be cancelled") }
            try await Task.sleep(for: .milliseconds(200))
            let started = ContinuousClock.now
            turn.cancel()
            await #expect(throws: CancellationError.self) { try await turn.value }
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(await agent.history.isEmpty)
        }
    }

    @Test("cancelling a turn while a tool runs stops the tool")
    func cancellationDuringTool() async throws {
        let simulator = Self.simulator(toolCalls: [.init(tool: "terminal", arguments: ["command": "sleep 30"])])
        try await simulator.withServer { baseURL in
            let agent = try Agent(
                model: OpenAIClient(configuration: .init(baseURL: baseURL)), tools: .builtIn(), context: testContext(),
                configuration: AgentConfiguration(toolsets: ["terminal"]))
            let turn = Task { try await agent.respond(to: "sleep") }
            try await Task.sleep(for: .milliseconds(500))
            let started = ContinuousClock.now
            turn.cancel()
            await #expect(throws: CancellationError.self) { try await turn.value }
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(await agent.history.isEmpty)
        }
    }

    @Test("a second concurrent turn on one agent is refused with busy")
    func busy() async throws {
        let simulator = Self.simulator(firstToken: .milliseconds(300))
        try await simulator.withServer { baseURL in
            let agent = try Agent(
                model: OpenAIClient(configuration: .init(baseURL: baseURL)), tools: .builtIn(), context: testContext(),
                configuration: AgentConfiguration(toolsets: ["todo"]))
            async let first = agent.respond(to: "one")
            try await Task.sleep(for: .milliseconds(50))
            let error = await #expect(throws: AgentError.self) { try await agent.respond(to: "two") }
            #expect(error?.code == .busy)
            _ = try await first
        }
    }

    @Test("an unknown toolset is a configuration error naming the known ones")
    func unknownToolset() {
        let error = #expect(throws: AgentError.self) {
            try Agent(
                model: OpenAIClient(configuration: .init(baseURL: "http://127.0.0.1:9/v1")), tools: .builtIn(),
                context: testContext(), configuration: AgentConfiguration(toolsets: ["nope"]))
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("terminal") == true)
    }
}
