import NIOCore
import SecretServerModels

/// Writes a page of secret summaries (`GET /secrets`) as JSON straight into a `ByteBuffer`: the same keys and
/// values as `Page<SecretSummary>`'s `Encodable` conformance (a test compares the two). Paging through a large
/// search spent a third of the server's time in `JSONEncoder` (Benchmarks/README.md).
enum SummaryPageJSON {
    static func write(_ page: Page<SecretSummary>, into buffer: inout ByteBuffer) {
        var w = JSONBufferWriter(buffer: buffer, expectedSize: 512 + page.records.count * 900)
        w.open()
        w.key("skip"); w.int(page.skip)
        w.key("take"); w.int(page.take)
        w.key("total"); w.int(page.total)
        w.key("pageCount"); w.int(page.pageCount)
        w.key("currentPage"); w.int(page.currentPage)
        w.key("batchCount"); w.int(page.batchCount)
        w.key("prevSkip"); w.int(page.prevSkip)
        w.key("nextSkip"); w.int(page.nextSkip)
        w.key("hasPrev"); w.bool(page.hasPrev)
        w.key("hasNext"); w.bool(page.hasNext)
        w.key("records"); w.array(page.records) { summary, w in write(summary, &w) }
        w.key("sortBy")
        w.array(page.sortBy) { sort, w in
            w.open()
            w.key("name"); w.string(sort.name)
            w.key("direction"); w.string(sort.direction)
            w.key("priority"); w.int(sort.priority)
            w.close()
        }
        w.key("success"); w.bool(page.success)
        w.key("severity"); w.string(page.severity)
        w.close()
        buffer = w.buffer
    }

    private static func write(_ summary: SecretSummary, _ w: inout JSONBufferWriter) {
        w.open()
        w.key("id"); w.int(summary.id)
        w.key("name"); w.string(summary.name)
        w.key("secretTemplateId"); w.int(summary.secretTemplateId)
        w.key("secretTemplateName"); w.string(summary.secretTemplateName)
        w.key("folderId"); w.int(summary.folderId)
        w.key("folderPath"); w.string(summary.folderPath)
        w.key("siteId"); w.int(summary.siteId)
        w.key("active"); w.bool(summary.active)
        w.key("checkedOut"); w.bool(summary.checkedOut)
        w.key("checkOutUserId"); w.int(summary.checkOutUserId)
        w.key("checkOutUserName"); w.string(summary.checkOutUserName)
        w.key("isRestricted"); w.bool(summary.isRestricted)
        w.key("isOutOfSync"); w.bool(summary.isOutOfSync)
        w.key("outOfSyncReason"); w.string(summary.outOfSyncReason)
        w.key("lastHeartBeatStatus"); w.string(summary.lastHeartBeatStatus)
        w.key("lastPasswordChangeAttempt"); w.string(summary.lastPasswordChangeAttempt)
        w.key("responseCodes"); w.strings(summary.responseCodes)
        w.key("lastAccessed"); w.string(summary.lastAccessed)
        w.key("extendedFields")
        if let fields = summary.extendedFields {
            w.array(fields) { field, w in
                w.open()
                w.key("name"); w.string(field.name)
                // The synthesized conformance leaves a nil value out.
                if let value = field.value { w.key("value"); w.string(value) }
                w.close()
            }
        } else {
            w.raw("null")
        }
        w.key("checkOutEnabled"); w.bool(summary.checkOutEnabled)
        w.key("autoChangeEnabled"); w.bool(summary.autoChangeEnabled)
        w.key("doubleLockEnabled"); w.bool(summary.doubleLockEnabled)
        w.key("requiresApproval"); w.bool(summary.requiresApproval)
        w.key("requiresComment"); w.bool(summary.requiresComment)
        w.key("inheritsPermissions"); w.bool(summary.inheritsPermissions)
        w.key("hidePassword"); w.bool(summary.hidePassword)
        w.key("hasLauncher"); w.bool(summary.hasLauncher)
        w.key("createDate"); w.string(summary.createDate)
        w.key("daysUntilExpiration"); w.int(summary.daysUntilExpiration)
        w.close()
    }
}
