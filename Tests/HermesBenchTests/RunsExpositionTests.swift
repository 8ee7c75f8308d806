import Foundation
import Testing

@testable import HermesBench

@Suite struct RunsExpositionTests {
    @Test func servesTheRunInProgressElseTheLastFinishedOne() throws {
        let root = NSTemporaryDirectory() + "exposition-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = FileManager.default
        let exposition = RunsExposition(directory: root)
        try manager.createDirectory(atPath: root, withIntermediateDirectories: true)
        #expect(exposition.source() == nil)
        #expect(exposition.text().contains("hermes_bench_serve_run_available 0"))

        func write(_ text: String, _ path: String, age: TimeInterval) throws {
            try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try manager.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: path)
        }
        try write("old 1\n", root + "/a/metrics.prom", age: 300)
        try write("newer 1\n", root + "/ci/b/metrics.prom", age: 100)
        #expect(exposition.source() == .init(file: root + "/ci/b/metrics.prom", running: false), "run directories one level down count")
        #expect(exposition.text().hasSuffix("hermes_bench_serve_run_available 1\nnewer 1\n"))

        try write("live 1\n", root + "/c/live.prom", age: 1)
        #expect(exposition.source() == .init(file: root + "/c/live.prom", running: true))
        try manager.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: root + "/c/live.prom")
        #expect(exposition.source()?.file == root + "/ci/b/metrics.prom", "a live.prom nobody rewrites belongs to a dead run")
    }
}
