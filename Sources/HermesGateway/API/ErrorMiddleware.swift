import HermesTelemetry
import Hummingbird
import Logging
import NIOCore

/// Answers every error in the OpenAI envelope: the router's 404 and 405, an `OpenAIError`
/// thrown by a handler, a body over the size limit (413), and anything unexpected (500, logged).
/// A request refused for passing a limit is counted in `hermes_rejected_requests_total{reason}`.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    let metrics: HermesMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as OpenAIError {
            if let code = error.code, limitCodes.contains(code) { metrics.recordRejectedRequest(reason: code) }
            return error.response
        } catch is NIOTooManyBytesError {
            metrics.recordRejectedRequest(reason: "body_too_large")
            return OpenAIError(.contentTooLarge, "Request body too large.", code: "body_too_large").response
        } catch let error as any HTTPResponseError {
            switch error.status {
            case .notFound:
                return OpenAIError(.notFound, "no route \(request.method) \(request.uri.path)", code: "not_found").response
            case .methodNotAllowed:
                return OpenAIError(.methodNotAllowed, "\(request.method) is not allowed on \(request.uri.path)").response
            default:
                return OpenAIError(error.status, "\(error)").response
            }
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return OpenAIError(.internalServerError, "internal error: \(error)", type: "server_error").response
        }
    }
}

/// The error codes of requests refused for passing a limit.
private let limitCodes: Set<String> = ["body_too_large", "too_many_messages", "request_too_long", "session_busy"]
