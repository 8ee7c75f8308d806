import Hummingbird
import Logging
import NIOCore

/// Answers every error in the OpenAI envelope: the router's 404 and 405, an `OpenAIError`
/// thrown by a handler, a body over the size limit (413), and anything unexpected (500, logged).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as OpenAIError {
            return error.response
        } catch is NIOTooManyBytesError {
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
