import Foundation
import HermesAgent
import HermesConfig
import HermesCore
import HermesGateway
import HermesLLM
import HermesRuntime
import HermesSimulators
import HermesStore
import HermesTesting
import NIOHTTP1
import Testing

/// The OpenAI-compatible API over loopback, against the LLM simulator and a real store.
@Suite("gateway API", .timeLimit(.minutes(2)))
struct GatewayAPITests {
    private let auth = ["Authorization": TestKeys.authorization]
    private var keyed: GatewayConfiguration { GatewayConfiguration() }

    @Test("200 concurrent requests over 50 sessions: all succeed, each session stored in the order sent")
    func concurrentSessionsKeepTheirOrder() async throws {
        var config = LLMSimulatorConfig()
        config.firstToken = .init(median: .milliseconds(40))
        try await LLMSimulator(config: config).withServer { llm in
            try await withGateway(keyed, model: simulatorModel(llm)) { gateway in
                let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                    for session in 0..<50 {
                        group.addTask { try await sendInOrder(4, to: "session-\(session)", via: gateway) }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                #expect(statuses.count == 200)
                #expect(statuses.allSatisfy { $0 == 200 })
                for session in 0..<50 {
                    let stored = try await gateway.store.history(of: SessionID("session-\(session)"))
                    #expect(stored.count == 8)
                    #expect(stored.map(\.role) == [.user, .assistant, .user, .assistant, .user, .assistant, .user, .assistant])
                    #expect(stored.filter { $0.role == .user }.map(\.content) == (0..<4).map { "session-\(session) m\($0)" })
                }
            }
        }
    }

    @Test("a streamed turn with a tool call: role chunk, text, tool progress, finish, [DONE]; all of it stored")
    func streamedTurnWithTools() async throws {
        var config = LLMSimulatorConfig()
        config.toolCalls = [.init(tool: "todo", arguments: ["todos": [["id": "1", "content": "ship", "status": "pending"]]])]
        config.tokensPerSecond = 2000
        try await LLMSimulator(config: config).withServer { llm in
            try await withGateway(keyed, model: simulatorModel(llm)) { gateway in
                let response = try await gateway.send(
                    "/v1/chat/completions", body: RunningGateway.chat("plan it", stream: true),
                    headers: auth.merging(["X-Hermes-Session-Id": "streamed"]) { a, _ in a })
                #expect(response.status == 200)
                #expect(response.headers["Content-Type"].first == "text/event-stream")
                #expect(response.headers["X-Hermes-Session-Id"].first == "streamed")
                let events = response.body.components(separatedBy: "\n\n").filter { !$0.isEmpty }
                #expect(events.first?.contains(#""delta":{"role":"assistant"}"#) == true)
                #expect(events.contains { $0.hasPrefix("event: hermes.tool.progress") && $0.contains(#""status":"running""#) })
                #expect(events.contains { $0.hasPrefix("event: hermes.tool.progress") && $0.contains(#""status":"completed""#) })
                #expect(events.dropLast().last?.contains(#""finish_reason":"stop""#) == true)
                #expect(events.last == "data: [DONE]")
                let text = events.compactMap { event -> String? in
                    guard event.hasPrefix("data: {"), let data = event.dropFirst(6).data(using: .utf8),
                        let chunk = try? JSONDecoder().decode(Chunk.self, from: data)
                    else { return nil }
                    return chunk.choices.first?.delta.content
                }.joined()
                let stored = try await gateway.store.history(of: SessionID("streamed"))
                #expect(stored.map(\.role) == [.user, .assistant, .tool, .assistant])
                #expect(stored[1].toolCalls.first?.name == "todo")
                #expect(!text.isEmpty && stored.last?.content == text, "the streamed text is the stored reply")
            }
        }
    }

    @Test("without a session header the session follows the conversation, and the caller's history is used")
    func derivedSessions() async throws {
        try await LLMSimulator().withServer { llm in
            try await withGateway(model: simulatorModel(llm)) { gateway in
                let first = try await gateway.send("/v1/chat/completions", body: RunningGateway.chat("hello"))
                #expect(first.status == 200)
                let session = try #require(first.headers["X-Hermes-Session-Id"].first)
                #expect(session.hasPrefix("api-") && session.count == 20)
                let reply = try JSONDecoder().decode(Completion.self, from: Data(first.body.utf8))
                let next =
                    #"{"messages":[{"role":"user","content":"hello"},{"role":"assistant","content":\#(jsonQuoted(reply.choices[0].message.content))},{"role":"user","content":"more"}]}"#
                let second = try await gateway.send("/v1/chat/completions", body: next)
                #expect(second.headers["X-Hermes-Session-Id"].first == session)
                let stored = try await gateway.store.history(of: SessionID(session))
                #expect(stored.filter { $0.role == .user }.map(\.content) == ["hello", "more"])
                let record = try await gateway.store.session(SessionID(session))
                #expect(record?.source == "api_server")
            }
        }
    }

    @Test("authentication: 401 without the key or with another, with nothing stored; health needs none")
    func authentication() async throws {
        try await LLMSimulator().withServer { llm in
            try await withGateway(keyed, model: simulatorModel(llm)) { gateway in
                let missing = try await gateway.send(
                    "/v1/chat/completions", body: RunningGateway.chat("hi"), headers: ["Authorization": ""])
                #expect(missing.status == 401)
                #expect(missing.body.contains(#""code":"invalid_api_key""#))
                let wrong = try await gateway.send("/v1/models", method: .GET, headers: ["Authorization": "Bearer nope"])
                #expect(wrong.status == 401)
                let longer = try await gateway.send(
                    "/v1/chat/completions", body: RunningGateway.chat("hi"),
                    headers: ["Authorization": TestKeys.authorization + "0", "X-Hermes-Session-Id": "x"])
                #expect(longer.status == 401)
                let models = try await gateway.send("/v1/models", method: .GET, headers: auth)
                #expect(models.status == 200 && models.body.contains(#""id":"hermes-agent""#))
                let health = try await gateway.send("/v1/health", method: .GET, headers: ["Authorization": ""])
                #expect(health.status == 200 && health.body.contains(#""status":"ok""#))
                #expect(try await gateway.store.sessions(SessionListQuery()).isEmpty)
            }
        }
    }

    @Test("bad input: 400 with an OpenAI error body, 413 past the size limit, 404 for an unknown route; nothing stored")
    func badInput() async throws {
        let configuration = keyed.with { $0.maxBodyBytes = 1024 }
        try await LLMSimulator().withServer { llm in
            try await withGateway(configuration, model: simulatorModel(llm)) { gateway in
                let malformed = try await gateway.send("/v1/chat/completions", body: #"{"messages": ["#, headers: auth)
                #expect(malformed.status == 400)
                let error = try JSONDecoder().decode(ErrorBody.self, from: Data(malformed.body.utf8))
                #expect(error.error.type == "invalid_request_error" && error.error.message.contains("Invalid JSON"))
                let empty = try await gateway.send("/v1/chat/completions", body: #"{"messages": []}"#, headers: auth)
                #expect(empty.status == 400 && empty.body.contains("messages"))
                let badID = try await gateway.send(
                    "/v1/chat/completions", body: RunningGateway.chat("x"),
                    headers: auth.merging(["X-Hermes-Session-Id": "../etc"]) { a, _ in a })
                #expect(badID.status == 400)
                let large = try await gateway.send(
                    "/v1/chat/completions", body: RunningGateway.chat(String(repeating: "x", count: 4096)), headers: auth)
                #expect(large.status == 413 && large.body.contains("body_too_large"))
                let unknown = try await gateway.send("/v2/anything", method: .GET)
                #expect(unknown.status == 404 && unknown.body.contains(#""error""#))
                #expect(try await gateway.store.sessions(SessionListQuery()).isEmpty)
            }
        }
    }

    @Test("a session's queue past its bound answers 429 with Retry-After; the admitted turns all run")
    func queueBound() async throws {
        let configuration = keyed.with {
            $0.maxQueuedPerSession = 1
            $0.retryAfterSeconds = 2
        }
        let gate = Gate()
        let model = ScriptedModel { _, _ in
            await gate.wait()
            return ChatCompletion(message: .assistant("done"))
        }
        try await withGateway(configuration, model: model) { gateway in
            let responses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for index in 0..<4 {
                    group.addTask {
                        let response = try await gateway.send(
                            "/v1/chat/completions", body: RunningGateway.chat("m\(index)"),
                            headers: auth.merging(["X-Hermes-Session-Id": "busy"]) { a, _ in a })
                        return (response.status, response.headers["Retry-After"].first)
                    }
                }
                // One turn runs (held by the gate), one waits, two are refused; then let them through.
                await gateway.gateway.runner.router.waitUntil { $0.rejections >= 2 }
                gate.open()
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.filter { $0.0 == 200 }.count == 2)
            #expect(responses.filter { $0.0 == 429 }.count == 2)
            #expect(responses.filter { $0.0 == 429 }.allSatisfy { $0.1 == "2" })
            #expect(try await gateway.store.history(of: SessionID("busy")).count == 4)
        }
    }

    @Test("an evicted agent is rebuilt from the store with the whole conversation")
    func evictedAgentsComeBackFromTheStore() async throws {
        let configuration = keyed.with { $0.agentCacheSize = 1 }
        try await withGateway(configuration, model: countingModel) { gateway in
            func say(_ text: String, in session: String) async throws -> String {
                let response = try await gateway.send(
                    "/v1/chat/completions", body: RunningGateway.chat(text),
                    headers: auth.merging(["X-Hermes-Session-Id": session]) { a, _ in a })
                return try JSONDecoder().decode(Completion.self, from: Data(response.body.utf8)).choices[0].message.content
            }
            let first = try await say("one", in: "a")
            let other = try await say("two", in: "b")
            let again = try await say("three", in: "a")
            #expect(first == "saw 2 messages")
            #expect(other == "saw 2 messages")
            #expect(again == "saw 4 messages", "system + a's first turn + this message")
            #expect(gateway.gateway.runner.agents.evictions == 2)
        }
    }

    @Test("an evicted agent gets its task list back from the stored conversation")
    func evictedAgentsKeepTheirTasks() async throws {
        try await withGateway(keyed.with { $0.agentCacheSize = 1 }, model: todoModel) { gateway in
            func say(_ text: String, in session: String) async throws -> String {
                let response = try await gateway.send(
                    "/v1/chat/completions", body: RunningGateway.chat(text),
                    headers: auth.merging(["X-Hermes-Session-Id": session]) { a, _ in a })
                return try JSONDecoder().decode(Completion.self, from: Data(response.body.utf8)).choices[0].message.content
            }
            _ = try await say("remember milk", in: "a")
            _ = try await say("remember eggs", in: "b")
            let list = try await say("what is on my list?", in: "a")
            #expect(list.contains("milk") && !list.contains("eggs"))
            #expect(gateway.gateway.runner.agents.evictions >= 1)
        }
    }
}

/// Keeps a task list through the `todo` tool: "remember X" writes X, "what is on my list?" reads
/// the list; after a tool result it answers with that result.
private let todoModel = ScriptedModel { request, _ in
    let last = request.messages.last
    if last?.role == .tool { return ChatCompletion(message: .assistant("list: \(last?.content ?? "")")) }
    let text = last?.content ?? ""
    let arguments =
        text.hasPrefix("remember ")
        ? #"{"todos":[{"id":"1","content":\#(jsonQuoted(String(text.dropFirst(9)))),"status":"pending"}]}"# : "{}"
    let call = ToolCall(id: "call-\(request.messages.count)", name: "todo", arguments: arguments)
    return ChatCompletion(message: .assistant(nil, toolCalls: [call]))
}

/// Answers with how many messages it was sent, so a test can see the history an agent had.
private let countingModel = ScriptedModel { request, _ in
    ChatCompletion(message: .assistant("saw \(request.messages.count) messages"))
}

private struct Completion: Decodable {
    struct Choice: Decodable {
        struct Message: Decodable { var content: String }
        var message: Message
    }
    var choices: [Choice]
}

private struct Chunk: Decodable {
    struct Choice: Decodable {
        struct Delta: Decodable { var content: String? }
        var delta: Delta
    }
    var choices: [Choice]
}

private struct ErrorBody: Decodable {
    struct Detail: Decodable {
        var message: String
        var type: String
    }
    var error: Detail
}

/// Sends `count` messages to `session` concurrently, each one only once the previous one holds its
/// place in the session's queue, so the order sent is the order of arrival; returns the statuses.
private func sendInOrder(_ count: Int, to session: String, via gateway: RunningGateway) async throws -> [Int] {
    let completed = Counter()
    let id = SessionID(session)
    return try await withThrowingTaskGroup(of: Int.self) { requests in
        for message in 0..<count {
            requests.addTask {
                defer { completed.increment() }
                return try await gateway.send(
                    "/v1/chat/completions", body: RunningGateway.chat("\(session) m\(message)"),
                    headers: ["Authorization": TestKeys.authorization, "X-Hermes-Session-Id": session]
                ).status
            }
            // Turns waiting or running, plus turns answered, reach message + 1 only once this one is
            // admitted; both counts are watched, so whichever moves last wakes the wait.
            let router = gateway.gateway.runner.router
            while router.admittedTurns(of: id) + completed.value < message + 1 {
                let answered = completed.value
                await withTaskGroup(of: Void.self) { watch in
                    watch.addTask { await router.waitUntil { $0.admittedTurns(of: id) + answered >= message + 1 } }
                    watch.addTask { await completed.waitUntil(atLeast: answered + 1) }
                    await watch.next()
                    watch.cancelAll()
                }
            }
        }
        return try await requests.reduce(into: []) { $0.append($1) }
    }
}

extension GatewayConfiguration {
    fileprivate func with(_ change: (inout GatewayConfiguration) -> Void) -> GatewayConfiguration {
        var copy = self
        change(&copy)
        return copy
    }
}
