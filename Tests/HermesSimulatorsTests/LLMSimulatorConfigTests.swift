import HermesConfig
import HermesCore
import HermesSimulators
import Testing

@Suite("LLM simulator configuration and behaviour")
struct LLMSimulatorConfigTests {
    @Test("a YAML file sets every knob")
    func parsesYAML() throws {
        let config = try LLMSimulatorConfig.parse(
            """
            seed: 7
            first_token: {median: 40ms, p99: 200ms}
            tokens_per_second: 80
            reply_tokens: {min: 2, max: 4}
            tool_calls: [{tool: web_search, probability: 0.3}, {tool: read_file, arguments: {path: a}, call: 2}]
            errors: [{kind: status, status: 429, rate: 0.01, retry_after: 1s}, {kind: truncate, first: 1}]
            """)
        #expect(config.seed == 7)
        #expect(config.firstToken.median == .milliseconds(40))
        #expect(config.firstToken.p99 == .milliseconds(200))
        #expect(config.replyTokens == 2...4)
        #expect(config.toolCalls[1].arguments == ["path": "a"])
        #expect(config.toolCalls[1].call == 2)
        #expect(config.errors[0].retryAfter == .seconds(1))
        #expect(config.errors[1].kind == .truncate)
        let fixed = try LLMSimulatorConfig.parse("first_token: 100ms")
        #expect(fixed.firstToken.median == .milliseconds(100) && fixed.firstToken.p99 == nil)
    }

    @Test(
        "bad input is refused with the key and what to write instead",
        arguments: [
            ("first_tokn: {median: 1ms}", 1, "unknown key \"first_tokn\" — did you mean \"first_token\"?"),
            ("first_token: {median: 40}", 1, "first_token.median: \"40\" is not a duration"),
            ("first_token: soon", 1, "first_token: \"soon\" is not a duration"),
            ("reply_tokens:\n  min: 5\n  max: 2", 2, "reply_tokens: min (5) is above max (2); swap them"),
            ("errors: [{kind: explode}]", 1, "errors[0].kind: unknown kind \"explode\""),
            ("errors: [{kind: status, rate: 3}]", 1, "errors[0].rate is 3; it must be between 0 and 1"),
            ("errors: {rate: 1%, status: 200}", 1, "errors.status is 200; it must be at least 400"),
            ("tool_calls: [{tool: x, probability: 2}]", 1, "tool_calls[0].probability is 2; it must be between 0 and 1"),
            ("seed: -1", 1, "seed must be a whole number of 0 or more"),
            ("seed: [", 2, "not valid YAML"),
        ])
    func refuses(text: String, line: Int, expected: String) {
        let error = #expect(throws: ConfigError.self) { try LLMSimulatorConfig.parse(text, source: "sim.yaml") }
        #expect(error?.source == .file("sim.yaml", line: line), "got: \(error.map(String.init(describing:)) ?? "nothing")")
        #expect(error?.message.contains(expected) == true, "got: \(error?.message ?? "nothing")")
    }

    @Test("one mapping under errors is one status rule, as in a scenario's llm: section")
    func singleErrorRule() throws {
        let config = try LLMSimulatorConfig.parse("errors: {rate: 1%, status: 429}")
        #expect(config.errors == [LLMSimulatorConfig.ErrorRule(kind: .status, status: 429, rate: 0.01)])
    }

    @Test("summary requests are told by their system prompt and get their own latency, length or failure")
    func summaryRequests() throws {
        let config = try LLMSimulatorConfig.parse(
            """
            first_token: 10ms
            reply_tokens: {min: 3, max: 3}
            summary_requests: {first_token: 500ms, reply_tokens: {min: 40, max: 40}}
            """)
        let behavior = LLMBehavior(config: config)
        var generator = SeededGenerator(seed: 1)
        let summary = SimulatedRequest(messages: [.system("You write handoff summaries of conversations."), .user("...")])
        let plan = behavior.plan(summary, index: 0, using: &generator)
        #expect(plan.firstToken == .milliseconds(500) && plan.tokens.count == 40)
        let chat = behavior.plan(SimulatedRequest(messages: [.system("You are Hermes."), .user("hi")]), index: 1, using: &generator)
        #expect(chat.firstToken == .milliseconds(10) && chat.tokens.count == 3)
        // The Python hermes-agent sends its summary prompt as the request's only, user, message.
        let python = SimulatedRequest(messages: [.user("You are a summarization agent creating a context checkpoint. ...")])
        #expect(behavior.plan(python, index: 2, using: &generator).firstToken == .milliseconds(500))
        let simulator = LLMSimulator(config: config)
        for request in [summary, python, SimulatedRequest(messages: [.user("hi")])] { _ = simulator.nextPlan(for: request) }
        #expect(simulator.stats().summaryRequests == 2 && simulator.stats().requests == 3)

        let failing = try LLMSimulatorConfig.parse("summary_requests: {match: summarise, status: 503}")
        let failed = LLMBehavior(config: failing).plan(
            SimulatedRequest(messages: [.system("Please summarise this")]), index: 0, using: &generator)
        guard case .fail(let rule) = failed.outcome else {
            Issue.record("a summary request with status 503 must fail")
            return
        }
        #expect(rule.status == 503)
        #expect(throws: ConfigError.self) { try LLMSimulatorConfig.parse("summary_requests: {status: 200}") }
    }

    @Test("the same seed gives the same replies")
    func deterministic() {
        var config = LLMSimulatorConfig()
        config.firstToken = .init(median: .milliseconds(40), p99: .milliseconds(200))
        config.toolCalls = [.init(tool: "t", probability: 0.5)]
        let behavior = LLMBehavior(config: config)
        let request = SimulatedRequest(
            messages: [.user("hi")], tools: [ToolSpec(name: "t", description: "", parameters: ["type": "object"])])
        func run() -> [String] {
            var generator = SeededGenerator(seed: config.seed)
            return (0..<50).map { index in
                let plan = behavior.plan(request, index: index, using: &generator)
                return "\(plan.text)|\(plan.toolCalls.count)|\(plan.firstToken)"
            }
        }
        let first = run()
        #expect(first == run())
        #expect(Set(first).count > 40, "the replies differ from each other")
    }

    @Test("each conversation turn draws from its own stream, so arrival order and a scratch path change no answer")
    func streamsPerTurn() {
        var config = LLMSimulatorConfig()
        config.toolCalls = [.init(tool: "t", probability: 0.5)]
        let tools = [ToolSpec(name: "t", description: "", parameters: ["type": "object"])]
        func turn(_ first: String, _ last: String, in directory: String) -> SimulatedRequest {
            SimulatedRequest(
                messages: [.user(first), .assistant("read \(directory)/a.txt"), .user(last)], tools: tools)
        }
        func answers(order: [Int], directory: String) -> [Int: [String]] {
            var config = config
            config.streamKeyIgnoring = directory
            let simulator = LLMSimulator(config: config)
            var answers: [Int: [String]] = [:]
            for conversation in order {
                let plan = simulator.nextPlan(
                    for: turn("task \(conversation) in \(directory)", "go on \(conversation)", in: directory))
                answers[conversation, default: []].append("\(plan.text)|\(plan.toolCalls.map(\.id))")
            }
            return answers
        }
        let inOrder = answers(order: [0, 0, 0, 1, 1, 1, 2, 2, 2], directory: "/tmp/run-a")
        let interleaved = answers(order: [2, 1, 0, 1, 2, 0, 0, 2, 1], directory: "/tmp/run-b")
        #expect(inOrder == interleaved)
        #expect(Set(inOrder.values.flatMap { $0 }).count == 9, "every call gets answers of its own")
    }

    @Test("first-token latency follows the configured median and p99")
    func latencyDistribution() {
        let distribution = LLMSimulatorConfig.LatencyDistribution(median: .milliseconds(40), p99: .milliseconds(200))
        var generator = SeededGenerator(seed: 1)
        let samples = (0..<20_000).map { _ in distribution.sample(using: &generator) }.sorted()
        let median = samples[samples.count / 2]
        let p99 = samples[samples.count * 99 / 100]
        #expect(median > .milliseconds(36) && median < .milliseconds(44))
        #expect(p99 > .milliseconds(170) && p99 < .milliseconds(235))
    }

    @Test("a tool call is made only on its model call and only for declared tools")
    func toolCallRules() {
        var config = LLMSimulatorConfig()
        config.toolCalls = [.init(tool: "t", call: 2), .init(tool: "undeclared")]
        let behavior = LLMBehavior(config: config)
        let tools = [ToolSpec(name: "t", description: "", parameters: ["type": "object"])]
        var generator = SeededGenerator(seed: 1)
        let first = behavior.plan(SimulatedRequest(messages: [.user("hi")], tools: tools), index: 0, using: &generator)
        #expect(first.toolCalls.isEmpty)
        let second = behavior.plan(
            SimulatedRequest(
                messages: [
                    .user("hi"), .assistant(nil, toolCalls: [ToolCall(id: "1", name: "t", arguments: "{}")]),
                    .tool(callID: "1", content: "ok"),
                ], tools: tools), index: 1, using: &generator)
        #expect(second.toolCalls.map(\.name) == ["t"])
    }
}
