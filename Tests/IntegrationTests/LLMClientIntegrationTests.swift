import AsyncHTTPClient
import Foundation
import HermesConfig
import HermesCore
import HermesLLM
import HermesSimulators
import NIOCore
import Synchronization
import Testing

@Suite("OpenAI client against the LLM simulator over loopback", .timeLimit(.minutes(1)))
struct LLMClientIntegrationTests {
    static let request = ChatRequest(messages: [.system("be brief"), .user("hello")], stream: true)

    @Test("a streamed answer arrives as deltas that add up to the reply, with usage")
    func streamedAnswer() async throws {
        var config = LLMSimulatorConfig()
        config.firstToken = .init(median: .milliseconds(5))
        config.tokensPerSecond = 2000
        let reply = "Hello from the simulated model, streamed token by token."
        config.replyText = reply
        let simulator = LLMSimulator(config: config)
        try await simulator.withServer { baseURL in
            let client = OpenAIClient(configuration: .init(baseURL: baseURL))
            let deltas = Mutex<[String]>([])
            let completion = try await client.complete(Self.request) { event in
                if case .textDelta(let piece) = event { deltas.withLock { $0.append(piece) } }
            }
            let pieces = deltas.withLock { $0 }
            #expect(pieces.count > 5)
            #expect(pieces.joined() == reply)
            #expect(completion.message.content == reply)
            #expect(completion.finishReason == "stop")
            #expect(completion.usage?.completionTokens == pieces.count)
            #expect(completion.timeToFirstToken != nil)
        }
    }

    @Test("a non-streamed answer decodes, tool calls included")
    func plainAnswer() async throws {
        var config = LLMSimulatorConfig()
        config.firstToken = .init(median: .zero)
        config.toolCalls = [.init(tool: "lookup", arguments: ["query": "swift"])]
        let simulator = LLMSimulator(config: config)
        try await simulator.withServer { baseURL in
            let client = OpenAIClient(configuration: .init(baseURL: baseURL))
            let tools = [ToolSpec(name: "lookup", description: "", parameters: ["type": "object"])]
            let completion = try await client.complete(ChatRequest(messages: [.user("hi")], tools: tools))
            #expect(completion.message.toolCalls.map(\.name) == ["lookup"])
            #expect(completion.message.toolCalls.first?.arguments == #"{"query":"swift"}"#)
            #expect(completion.finishReason == "tool_calls")
        }
    }

    @Test("streamed tool-call deltas are assembled across chunks")
    func streamedToolCalls() async throws {
        var config = LLMSimulatorConfig()
        config.firstToken = .init(median: .zero)
        config.toolCalls = [
            .init(tool: "lookup", arguments: ["query": "first query"]),
            .init(tool: "lookup", arguments: ["query": "second query"]),
        ]
        let simulator = LLMSimulator(config: config)
        try await simulator.withServer { baseURL in
            let client = OpenAIClient(configuration: .init(baseURL: baseURL))
            let tools = [ToolSpec(name: "lookup", description: "", parameters: ["type": "object"])]
            let completion = try await client.complete(ChatRequest(messages: [.user("hi")], tools: tools, stream: true))
            let arguments = completion.message.toolCalls.map(\.arguments)
            #expect(arguments == [#"{"query":"first query"}"#, #"{"query":"second query"}"#])
        }
    }

    @Test("a 429 with Retry-After is waited out and retried, and then succeeds")
    func retriesRateLimit() async throws {
        var config = LLMSimulatorConfig()
        config.firstToken = .init(median: .zero)
        config.errors = [.init(kind: .status, status: 429, first: 1, retryAfter: .milliseconds(400))]
        let simulator = LLMSimulator(config: config)
        try await simulator.withServer { baseURL in
            let client = OpenAIClient(
                configuration: .init(baseURL: baseURL, retry: RetryPolicy(maxRetries: 2, baseDelay: .milliseconds(1))))
            let started = ContinuousClock.now
            let completion = try await client.complete(Self.request)
            let elapsed = ContinuousClock.now - started
            #expect(completion.attempts == 2)
            #expect(completion.message.content?.isEmpty == false)
            #expect(elapsed >= .milliseconds(400), "the client must wait as long as Retry-After says")
            let stats = simulator.stats()
            #expect(stats.requests == 2)
            #expect(stats.injectedErrors == 1)
        }
    }

    @Test("GET /sim/requests shows the last requests' bodies, oldest first, and keeps no more than its limit")
    func recentRequests() async throws {
        var config = LLMSimulatorConfig()
        config.firstToken = .init(median: .zero)
        let simulator = LLMSimulator(config: config)
        try await simulator.withServer { baseURL in
            let client = OpenAIClient(configuration: .init(baseURL: baseURL))
            let count = LLMSimulator.recentLimit + 3
            for turn in 1...count {
                _ = try await client.complete(ChatRequest(messages: [.user("turn \(turn)")], stream: false))
            }
            let url = baseURL.replacingOccurrences(of: "/v1", with: "/sim/requests")
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 1 << 20)
            let requests = try JSONDecoder().decode([SimulatedRequest].self, from: Data(String(buffer: body).utf8))
            #expect(requests.count == LLMSimulator.recentLimit)
            #expect(requests.first?.messages.last?.content == "turn 4")
            #expect(requests.last?.messages.last?.content == "turn \(count)")
        }
    }

    @Test("a client error status is not retried and says what the server said")
    func noRetryOn400() async throws {
        var config = LLMSimulatorConfig()
        config.errors = [.init(kind: .status, status: 400, first: 5)]
        let simulator = LLMSimulator(config: config)
        try await simulator.withServer { baseURL in
            let client = OpenAIClient(configuration: .init(baseURL: baseURL))
            let error = await #expect(throws: LLMError.self) { try await client.complete(Self.request) }
            #expect(error?.code == .httpStatus)
            #expect(error?.status == 400)
            #expect(error?.message.contains("simulated error 400") == true)
            #expect(simulator.stats().requests == 1)
        }
    }

    @Test("a stream cut mid-event is a typed streamTruncated error")
    func truncatedStream() async throws {
        var config = LLMSimulatorConfig()
        config.firstToken = .init(median: .zero)
        config.replyTokens = 20...20
        config.errors = [.init(kind: .truncate, first: 1)]
        let simulator = LLMSimulator(config: config)
        try await simulator.withServer { baseURL in
            let client = OpenAIClient(configuration: .init(baseURL: baseURL))
            let received = Mutex(0)
            let error = await #expect(throws: LLMError.self) {
                try await client.complete(Self.request) { _ in received.withLock { $0 += 1 } }
            }
            #expect(error?.code == .streamTruncated)
            #expect(received.withLock { $0 } > 0, "text arrived before the cut, so the request is not retried")
            #expect(simulator.stats().requests == 1)
        }
    }

    @Test("a body that is not JSON is a typed malformedResponse error")
    func malformedBody() async throws {
        var config = LLMSimulatorConfig()
        config.errors = [.init(kind: .malformed, first: 1)]
        let simulator = LLMSimulator(config: config)
        try await simulator.withServer { baseURL in
            let client = OpenAIClient(configuration: .init(baseURL: baseURL))
            let error = await #expect(throws: LLMError.self) {
                try await client.complete(ChatRequest(messages: [.user("hi")]))
            }
            #expect(error?.code == .malformedResponse)
        }
    }

    @Test("tool-call arguments that are not JSON are a typed invalidToolArguments error")
    func badToolArguments() async throws {
        var config = LLMSimulatorConfig()
        config.errors = [.init(kind: .badToolArguments, first: 2)]
        let simulator = LLMSimulator(config: config)
        try await simulator.withServer { baseURL in
            let client = OpenAIClient(configuration: .init(baseURL: baseURL))
            let tools = [ToolSpec(name: "lookup", description: "", parameters: ["type": "object"])]
            for stream in [false, true] {
                let error = await #expect(throws: LLMError.self) {
                    try await client.complete(ChatRequest(messages: [.user("hi")], tools: tools, stream: stream))
                }
                #expect(error?.code == .invalidToolArguments)
                #expect(error?.message.contains("lookup") == true)
            }
        }
    }

    @Test("cancelling the caller stops a request that is waiting for its first token")
    func cancellation() async throws {
        // The first token would come after ten minutes: only a cancellation that works ends the
        // request within the suite's time limit.
        var config = LLMSimulatorConfig()
        config.firstToken = .init(median: .seconds(600))
        let simulator = LLMSimulator(config: config)
        try await simulator.withServer { baseURL in
            let client = OpenAIClient(configuration: .init(baseURL: baseURL))
            let task = Task { try await client.complete(Self.request) }
            await simulator.waitForRequests(1)
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
        }
    }

    @Test("an unreachable server is a connection error after the retries")
    func unreachable() async throws {
        let client = OpenAIClient(
            configuration: .init(
                baseURL: "http://127.0.0.1:1/v1", retry: .none))
        let error = await #expect(throws: LLMError.self) { try await client.complete(Self.request) }
        #expect(error?.code == .connection)
    }
}
