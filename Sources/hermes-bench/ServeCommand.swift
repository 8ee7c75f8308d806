import ArgumentParser
import Foundation
import HermesBench
import Hummingbird

/// `hermes-bench serve`: a Prometheus scrape endpoint for the runs of a directory.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the run in progress (run --live), else the last finished run, at /metrics for Prometheus.",
        discussion: """
            Reads the runs directory on every scrape: a run started with --live rewrites its live.prom every \
            second; when none is running, the newest metrics.prom is served. Prints 'listening on URL' when \
            ready. Stops on SIGINT or SIGTERM.
            """)

    @Option(name: .long, help: "Port to listen on; 0 picks a free one.")
    var port: Int = 9464

    @Option(name: .long, help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "The runs directory (what run --out names).")
    var runs: String = "Reports/runs"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port; use 0...65535") }
    }

    func run() async throws {
        let exposition = RunsExposition(directory: runs)
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: exposition.text())))
        }
        router.get("/health") { _, _ in "ok\n" }
        let host = self.host
        let runs = self.runs
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "hermes-bench"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? 0
                FileHandle.standardOutput.write(Data("listening on http://\(host):\(bound)/metrics (runs in \(runs))\n".utf8))
            })
        try await app.runService()
    }
}
