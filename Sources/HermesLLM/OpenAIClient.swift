import AsyncHTTPClient
import Foundation
import HermesCore
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A `ChatModel` that talks to any OpenAI-compatible `/v1/chat/completions` endpoint over
/// HTTP, streaming or not, through one shared AsyncHTTPClient (a keep-alive connection pool).
///
/// Retries 408/409/429/5xx, timeouts and lost connections with jittered exponential backoff,
/// honouring `retry-after-ms` and `Retry-After` (seconds). A streamed request is never retried
/// once text has reached the caller, which would see it twice.
public struct OpenAIClient: ChatModel {
    /// Where and how to connect.
    public struct Configuration: Sendable {
        /// The API root, e.g. `http://127.0.0.1:8000/v1`; `/chat/completions` is appended.
        public var baseURL: String
        /// Sent as `Authorization: Bearer …` when set.
        public var apiKey: String?
        /// The model used when a request names none.
        public var model: String
        /// The most one attempt may take, body included.
        public var requestTimeout: Duration
        /// Backoff and retry limits.
        public var retry: RetryPolicy
        /// The largest response body accepted (non-streamed).
        public var maxResponseBytes: Int

        /// Makes a configuration.
        public init(
            baseURL: String, apiKey: String? = nil, model: String = "hermes", requestTimeout: Duration = .seconds(600),
            retry: RetryPolicy = RetryPolicy(), maxResponseBytes: Int = 32 << 20
        ) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.model = model
            self.requestTimeout = requestTimeout
            self.retry = retry
            self.maxResponseBytes = maxResponseBytes
        }
    }

    /// The configuration in force.
    public let configuration: Configuration
    private let httpClient: HTTPClient
    private let logger: Logger
    private let endpoint: String
    private let encodedTools = EncodedTools()

    /// Makes a client. `httpClient` defaults to the process-wide pool `HTTPClient.hermes`.
    public init(configuration: Configuration, httpClient: HTTPClient = .hermes, logger: Logger? = nil) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger ?? Logger(label: "hermes.llm")
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        endpoint = base + "/chat/completions"
    }

    public func complete(_ request: ChatRequest, onEvent: ChatEventHandler?) async throws -> ChatCompletion {
        guard endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") else {
            throw LLMError(
                .configuration,
                "base URL \"\(configuration.baseURL)\" is not an http(s) URL; pass e.g. http://127.0.0.1:8000/v1"
            )
        }
        let body = try encodeBody(request)
        var machine = RetryStateMachine(policy: configuration.retry)
        var generator = SystemRandomNumberGenerator()
        while true {
            try Task.checkCancellation()
            machine.attemptStarted()
            var delivered = false
            do {
                var completion =
                    request.stream
                    ? try await attemptStreaming(body: body, onEvent: onEvent, delivered: &delivered)
                    : try await attemptPlain(body: body)
                completion.attempts = machine.attempts
                return completion
            } catch let error as LLMError {
                if delivered { throw error }
                switch machine.attemptFailed(error, unit: Double.random(in: 0..<1, using: &generator)) {
                case .fail:
                    throw error
                case .retry(let delay):
                    logger.debug(
                        "retrying chat completion",
                        metadata: [
                            "hermes.llm.error": "\(error.shortDescription)", "hermes.llm.attempt": "\(machine.attempts)",
                            "hermes.llm.delay_ms": "\(delay.milliseconds)",
                        ]
                    )
                    try await Task.sleep(for: delay)
                }
            }
        }
    }

    /// Writes a path in a message as it is (`/`, not `\/`).
    private static let envelopeEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return encoder
    }()

    /// The request as JSON: the envelope and messages by `JSONEncoder`, the tools spliced in
    /// from `encodedTools` as the last member.
    private func encodeBody(_ request: ChatRequest) throws -> ByteBuffer {
        let wire = WireRequest(
            model: request.model ?? configuration.model,
            messages: request.messages,
            tools: nil,
            stream: request.stream,
            streamOptions: request.stream ? .init() : nil,
            maxTokens: request.maxTokens,
            temperature: request.temperature
        )
        do {
            let envelope = try Self.envelopeEncoder.encode(wire)
            guard !request.tools.isEmpty else { return ByteBuffer(data: envelope) }
            let tools = try encodedTools.json(for: request.tools)
            var body = ByteBuffer()
            body.reserveCapacity(envelope.count + tools.count + 10)
            // The envelope is an object with members (model, messages), so it ends in `}`.
            body.writeData(envelope.dropLast())
            body.writeStaticString(#","tools":"#)
            body.writeBytes(tools)
            body.writeStaticString("}")
            return body
        } catch {
            throw LLMError(.configuration, "could not encode the request: \(error)", cause: error)
        }
    }

    private func makeRequest(body: ByteBuffer, stream: Bool) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: stream ? "text/event-stream" : "application/json")
        if let key = configuration.apiKey, !key.isEmpty {
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
        }
        request.body = .bytes(body)
        return request
    }

    private var deadline: NIODeadline {
        .now() + .nanoseconds(Int64(clamping: configuration.requestTimeout.nanoseconds))
    }

    private func attemptPlain(body: ByteBuffer) async throws -> ChatCompletion {
        let response = try await send(makeRequest(body: body, stream: false))
        let bytes: ByteBuffer
        do {
            bytes = try await response.body.collect(upTo: configuration.maxResponseBytes)
        } catch {
            throw try mapTransportError(error, phase: "reading the response body")
        }
        try checkStatus(response, body: bytes)
        let decoded: WireResponse
        do {
            decoded = try JSONDecoder().decode(WireResponse.self, from: bytes)
        } catch let error as DecodingError {
            throw LLMError(
                .malformedResponse, "the chat completion response is not valid: \(error.shortDescription)",
                cause: error
            )
        }
        guard let choice = decoded.choices.first else {
            throw LLMError(.malformedResponse, "the chat completion response has no choices")
        }
        var message = choice.message
        message.role = .assistant
        try Self.validateToolArguments(message.toolCalls)
        return ChatCompletion(
            message: message, finishReason: choice.finishReason, usage: decoded.usage, model: decoded.model
        )
    }

    private func attemptStreaming(
        body: ByteBuffer, onEvent: ChatEventHandler?, delivered: inout Bool
    ) async throws -> ChatCompletion {
        let started = ContinuousClock.now
        let response = try await send(makeRequest(body: body, stream: true))
        if response.status != .ok {
            let bytes = (try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer()
            try checkStatus(response, body: bytes)
        }
        var stream = CompletionStream()
        var firstToken: Duration?
        do {
            for try await buffer in response.body {
                try stream.consume(buffer) { progress in
                    if firstToken == nil { firstToken = ContinuousClock.now - started }
                    delivered = true
                    onEvent?(progress)
                }
                if stream.sawDone { break }
            }
        } catch let error as LLMError {
            throw error
        } catch {
            try Task.checkCancellation()
            throw try mapTransportError(error, phase: "reading the event stream", truncated: true)
        }
        try Task.checkCancellation()
        return try stream.finish(timeToFirstToken: firstToken)
    }

    private func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        do {
            return try await httpClient.execute(request, deadline: deadline, logger: logger)
        } catch {
            try Task.checkCancellation()
            throw try mapTransportError(error, phase: "sending the request")
        }
    }

    private func checkStatus(_ response: HTTPClientResponse, body: ByteBuffer) throws {
        let status = Int(response.status.code)
        guard !(200..<300).contains(status) else { return }
        let detail =
            (try? JSONDecoder().decode(WireErrorBody.self, from: body))?.error.message
            ?? String(buffer: body).prefix(300).description
        throw LLMError(
            .httpStatus, "the server answered \(status)\(detail.isEmpty ? "" : ": \(detail)")",
            status: status, retryAfter: Self.retryAfter(response.headers)
        )
    }

    private func mapTransportError(_ error: any Error, phase: String, truncated: Bool = false) throws -> LLMError {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return LLMError(
                    .timeout, "timed out \(phase) after \(configuration.requestTimeout) (\(endpoint))", cause: error
                )
            case .cancelled:
                throw CancellationError()
            default:
                break
            }
        }
        if truncated {
            return LLMError(.streamTruncated, "the event stream was cut while \(phase): \(error)", cause: error)
        }
        return LLMError(.connection, "connection failed while \(phase) (\(endpoint)): \(error)", cause: error)
    }

    /// The wait a response asks for: `retry-after-ms` (OpenAI's), else `Retry-After` in seconds.
    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        // A day: the retry policy caps the wait far below it; this only keeps a huge or infinite
        // header value from overflowing the conversion to an integer.
        let maxRetryAfterMilliseconds = 86_400_000.0
        if let text = headers.first(name: "retry-after-ms"), let ms = Double(text), ms >= 0 {
            return .milliseconds(Int64(min(ms, maxRetryAfterMilliseconds)))
        }
        if let text = headers.first(name: "retry-after"), let seconds = Double(text), seconds >= 0 {
            return .milliseconds(Int64(min(seconds * 1000, maxRetryAfterMilliseconds)))
        }
        return nil
    }

    /// Tool-call arguments must be a JSON object (an empty string means no arguments).
    static func validateToolArguments(_ calls: [ToolCall]) throws(LLMError) {
        for call in calls {
            if call.name.isEmpty {
                throw LLMError(.malformedResponse, "a tool call (\(call.id)) has no function name")
            }
            let text = call.arguments.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { continue }
            let parsed: JSONValue
            do {
                parsed = try JSONValue(parsing: text)
            } catch {
                throw LLMError(
                    .invalidToolArguments,
                    "the arguments of tool call \(call.id) (\(call.name)) are not valid JSON: \(error.message)",
                    cause: error
                )
            }
            guard case .object = parsed else {
                throw LLMError(
                    .invalidToolArguments,
                    "the arguments of tool call \(call.id) (\(call.name)) are a JSON \(parsed.typeName), not an object"
                )
            }
        }
    }
}
