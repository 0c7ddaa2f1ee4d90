from . import test_source
from . import test_webhook
from . import test_conformance
from . import test_ingestion
from . import test_outbound
from . import test_delivery_tour
from . import test_account
from . import test_concurrency
