import Foundation
import SesameCLI

exit(await SesameCommand.run())
