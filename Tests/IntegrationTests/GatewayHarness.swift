import AsyncHTTPClient
import Foundation
import HermesAgent
import HermesCore
import HermesGateway
import HermesLLM
import HermesStore
import HermesTelemetry
import HermesTools
import Hummingbird
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

/// A gateway on loopback (port 0) over a fresh store in a temporary directory.
struct RunningGateway: Sendable {
    let baseURL: String
    let gateway: Gateway
    let store: SQLiteSessionStore
    let client: HTTPClient

    /// Sends a request and collects the answer.
    func send(
        _ path: String, method: HTTPMethod = .POST, body: String? = nil, headers: [String: String] = [:]
    ) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(60))
        let collected = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), response.headers, String(buffer: collected))
    }

    /// A chat-completions request body with one user message.
    static func chat(_ text: String, stream: Bool = false) -> String {
        #"{"model":"test","stream":\#(stream),"messages":[{"role":"user","content":\#(jsonQuoted(text))}]}"#
    }
}

/// Agents over `model` with the todo tools.
func agentFactory(_ model: any ChatModel, toolsets: [String] = ["todo"]) -> AgentFactory {
    agentFactory(model, toolsets: toolsets, metrics: nil)
}

/// Agents over `model` (its calls counted in `metrics` when given) with the todo tools.
func agentFactory(_ model: any ChatModel, toolsets: [String] = ["todo"], metrics: HermesMetrics?) -> AgentFactory {
    let model: any ChatModel = metrics.map { MeteredChatModel(model, metrics: $0) } ?? model
    let tools = ToolRegistry.builtIn()
    return { session, history in
        try Agent(
            model: model, tools: tools, context: ToolContext(
                sessionID: session, workingDirectory: "/tmp", todos: TodoStore(restoringFrom: history)),
            configuration: AgentConfiguration(toolsets: toolsets, maxIterations: 4), history: history)
    }
}

/// Runs a gateway with `configuration` (its port replaced by 0) until `body` returns.
func withGateway<T: Sendable>(
    _ configuration: GatewayConfiguration = GatewayConfiguration(), metrics: HermesMetrics = HermesMetrics(),
    onDelivery: (@Sendable (PlatformDelivery) -> Void)? = nil, makeAgent: @escaping AgentFactory,
    _ body: (RunningGateway) async throws -> T
) async throws -> T {
    let directory = NSTemporaryDirectory() + "hermes-gateway-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try await SQLiteSessionStore.open(at: directory + "/state.db", onCommit: metrics.commitObserver)
    var configuration = configuration
    configuration.port = 0
    let gateway = Gateway(
        configuration: configuration, store: store, metrics: metrics, onDelivery: onDelivery, makeAgent: makeAgent)
    var clientConfiguration = HTTPClient.Configuration()
    clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 512
    let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)
    do {
        let result = try await gateway.withServer { baseURL in
            try await body(RunningGateway(baseURL: baseURL, gateway: gateway, store: store, client: client))
        }
        try await client.shutdown()
        await store.close()
        return result
    } catch {
        try? await client.shutdown()
        await store.close()
        throw error
    }
}

/// A count shared by tasks.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
