"""The fact store and deployment settings, loaded and validated once per process.

Importing this module validates both; an invalid one raises an ImportError subclass, which
makes rasa-sdk refuse to start the action server instead of failing message by message.
"""
from actions.deployment import Deployment, load_deployment
from actions.fact_store import FactStore, load_fact_store

STORE: FactStore = load_fact_store()
DEPLOYMENT: Deployment = load_deployment()
