from ninja import NinjaAPI

api = NinjaAPI(title="TĐKT API", version="1", docs_url="/docs")
