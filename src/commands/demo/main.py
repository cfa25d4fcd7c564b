"""Inventory Checker: the example app of `vibe init --demo`.

Written the way a first version built with an AI assistant often is: it works on a laptop,
and the review shows what the platform needs changed before it can be deployed.
"""
import logging
import os

import psycopg2
from flask import Flask, jsonify, request

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("inventory")

API_KEY = "sk_live_51HqLyjWDarjtT1zdp7dcXyZ9"  # the supplier API key, pasted while testing

app = Flask(__name__)


def db():
    return psycopg2.connect(host=os.environ.get("DB_HOST", "localhost"), user="postgres", dbname="inventory")


@app.route("/stock/<sku>")
def stock(sku):
    cur = db().cursor()
    cur.execute(f"SELECT sku, quantity FROM stock WHERE sku = '{sku}'")
    row = cur.fetchone()
    log.info("stock checked for %s by %s", sku, request.args.get("email"))
    return jsonify({"sku": row[0], "quantity": row[1]}) if row else ("not found", 404)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8081)
