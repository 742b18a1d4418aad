import Benchmark
import Foundation
import SecretServerModels
import Sesame

/// A provider that answers from memory: what is measured is the cache in front of it, not a store.
final class StaticProvider: SecretProvider {
    let scheme = "aws-ps"
    func get(_ reference: SecretReference) async throws -> SecretValue {
        SecretValue(text: "value-of-" + reference.path, metadata: .init(source: .provider, fetchedAt: Date(), version: "1"))
    }
    func list(under reference: SecretReference) async throws -> [SecretReference] { [] }
    func exists(_ reference: SecretReference) async throws -> Bool { true }
    func update(_ reference: SecretReference, to value: SecretValue.Content) async throws {}
}

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.throughput, .wallClock, .mallocCountTotal, .cpuTotal]
    let reference = try! SecretReference(parsing: "aws-ps:///prod/db/password")
    let keyPathReference = try! SecretReference(parsing: "aws-ps:///prod/db/config#user.name")

    // Warm caches: the first read of each reference goes to the provider; every read measured is a hit.
    let provider = CachingProvider(StaticProvider())
    let store = SecretStore(providers: [provider])

    Benchmark(
        "Cache hit: CachingProvider.get",
        configuration: .init(metrics: metrics, scalingFactor: .mega, maxDuration: .seconds(5), setup: {
            _ = try await provider.get(reference)
        })
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try await provider.get(reference))
        }
    }

    Benchmark(
        "Cache hit: SecretStore.get (parsed reference)",
        configuration: .init(metrics: metrics, scalingFactor: .mega, maxDuration: .seconds(5), setup: {
            _ = try await store.get(reference)
        })
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try await store.get(reference))
        }
    }

    Benchmark(
        "Cache hit: SecretStore.get (reference text)",
        configuration: .init(metrics: metrics, scalingFactor: .mega, maxDuration: .seconds(5), setup: {
            _ = try await store.get("aws-ps:///prod/db/password")
        })
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try await store.get("aws-ps:///prod/db/password"))
        }
    }

    Benchmark(
        "Cache hit: Sesame.get simple API (reference text)",
        configuration: .init(metrics: metrics, scalingFactor: .mega, maxDuration: .seconds(5), setup: {
            Sesame.configure(store)
            _ = try await Sesame.get("aws-ps:///prod/db/password")
        })
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try await Sesame.get("aws-ps:///prod/db/password"))
        }
    }

    Benchmark(
        "Cache hit with a JSON key path",
        configuration: .init(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(5), setup: {
            _ = try? await store.get(keyPathReference)
        })
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? await store.get(keyPathReference))
        }
    }

    Benchmark("Parse a reference", configuration: .init(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(5))) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try SecretReference(parsing: "aws-sm://prod/db?version-stage=AWSPREVIOUS#user.name"))
        }
    }

    // A secret as `GET /api/v1/secrets/{id}` answers it (Password template: four fields), read both ways.
    let secretJSON: Data = {
        var secret = SecretModel(id: 4021, name: "db01 root", secretTemplateId: 6003, folderId: 12, secretTemplateName: "Password")
        secret.items = ["Resource", "Username", "Password", "Notes"].enumerated().map { index, name in
            RestSecretItem(itemId: 9000 + index, itemValue: "value of \(name) with some length", fieldId: 100 + index,
                           fieldName: name, slug: name.lowercased(), fieldDescription: "The \(name).",
                           isNotes: name == "Notes", isPassword: name == "Password")
        }
        return try! JSONEncoder().encode(secret)
    }()

    Benchmark("Decode a secret: JSONDecoder", configuration: .init(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(5))) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try JSONDecoder().decode(SecretModel.self, from: secretJSON))
        }
    }

    Benchmark("Decode a secret: WireJSONReader", configuration: .init(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(5))) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(secretJSON.withUnsafeBytes { SecretModel.decodeWireJSON($0)! })
        }
    }
}
