import HermesAgent
import HermesConfig
import HermesCore
import HermesLLM
import HermesSimulators
import HermesTesting
import HermesTools
import Synchronization
import Testing

@Suite("Agent turns against the LLM simulator over loopback", .timeLimit(.minutes(1)))
struct AgentTurnIntegrationTests {
    static func simulator(
        toolCalls: [LLMSimulatorConfig.ToolCallRule] = [], firstToken: Duration = .zero
    )
        -> LLMSimulator
    {
        var config = LLMSimulatorConfig()
        config.firstToken = .init(median: firstToken)
        config.toolCalls = toolCalls
        return LLMSimulator(config: config)
    }

    @Test("parallel-safe calls of one response overlap; an unsafe call runs alone, after them")
    func parallelTools() async throws {
        // Both reads wait at one gate, opened once both are there: run one after the other, they
        // would never get through it.
        let gate = Gate()
        let log = EventLog()
        let registry = ToolRegistry([
            ProbeTool.entry("read_a", parallelSafe: true, gate: gate, log: log),
            ProbeTool.entry("read_b", parallelSafe: true, gate: gate, log: log),
            ProbeTool.entry("write_c", parallelSafe: false, log: log),
        ])
        let simulator = Self.simulator(toolCalls: [.init(tool: "read_a"), .init(tool: "read_b"), .init(tool: "write_c")])
        try await simulator.withServer { baseURL in
            let agent = try Agent(
                model: OpenAIClient(configuration: .init(baseURL: baseURL)), tools: registry, context: testContext(),
                configuration: AgentConfiguration(toolsets: ["test"]))
            async let turn = agent.respond(to: "do three things")
            await gate.waitForArrivals(2)
            gate.open()
            let result = try await turn
            let runs = result.toolRuns
            #expect(runs.map(\.call.name) == ["read_a", "read_b", "write_c"])
            let events = log.values
            #expect(Set(events.prefix(2)) == ["start read_a", "start read_b"], "both reads started before either ended")
            #expect(Set(events[2..<4]) == ["end read_a", "end read_b"])
            #expect(Array(events.suffix(2)) == ["start write_c", "end write_c"], "the unsafe call ran alone, after them")
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
            .init(tool: "read_file", arguments: ["path": 42]), .init(tool: "todo", arguments: ["todos": 7]),
        ])
        try await simulator.withServer { baseURL in
            let agent = try Agent(
                model: OpenAIClient(configuration: .init(baseURL: baseURL)), tools: .builtIn(), context: testContext(),
                configuration: AgentConfiguration(toolsets: ["file", "todo"]))
            let result = try await agent.respond(to: "go")
            #expect(result.toolRuns.allSatisfy { $0.isError })
            #expect(result.toolRuns[0].result.contains("'path' must be of type string"))
            // A bare value for an array is made a one-element array, as Python's coerce_tool_args does.
            #expect(result.toolRuns[1].result.contains("'todos[0]' must be of type object, got integer"))
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

    @Test("cancelling a turn mid-call ends it and leaves the history unchanged")
    func cancellation() async throws {
        // The model would answer after ten minutes: only a cancellation that works ends the turn
        // within the suite's time limit.
        let simulator = Self.simulator(firstToken: .seconds(600))
        try await simulator.withServer { baseURL in
            let agent = try Agent(
                model: OpenAIClient(configuration: .init(baseURL: baseURL)), tools: .builtIn(), context: testContext(),
                configuration: AgentConfiguration(toolsets: ["todo"]))
            let turn = Task { try await agent.respond(to: "this will be cancelled") }
            await simulator.waitForRequests(1)
            turn.cancel()
            await #expect(throws: CancellationError.self) { try await turn.value }
            #expect(await agent.history.isEmpty)
        }
    }

    @Test("cancelling a turn while a tool runs stops the tool")
    func cancellationDuringTool() async throws {
        let simulator = Self.simulator(toolCalls: [.init(tool: "terminal", arguments: ["command": "sleep 600"])])
        try await simulator.withServer { baseURL in
            let agent = try Agent(
                model: OpenAIClient(configuration: .init(baseURL: baseURL)), tools: .builtIn(), context: testContext(),
                configuration: AgentConfiguration(toolsets: ["terminal"]))
            let started = Gate()
            let turn = Task {
                try await agent.respond(to: "sleep") { event in
                    if case .toolStarted = event { started.arrive() }
                }
            }
            await started.waitForArrivals(1)
            turn.cancel()
            await #expect(throws: CancellationError.self) { try await turn.value }
            #expect(await agent.history.isEmpty)
        }
    }

    @Test("a second concurrent turn on one agent is refused with busy")
    func busy() async throws {
        let gate = Gate()
        let model = ScriptedModel { _, _ in
            await gate.wait()
            return ChatCompletion(message: .assistant("done"))
        }
        let agent = try Agent(model: model, tools: .builtIn(), context: testContext(), configuration: AgentConfiguration(toolsets: ["todo"]))
        async let first = agent.respond(to: "one")
        await gate.waitForArrivals(1)
        let error = await #expect(throws: AgentError.self) { try await agent.respond(to: "two") }
        #expect(error?.code == .busy)
        gate.open()
        _ = try await first
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
