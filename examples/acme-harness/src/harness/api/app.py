"""FastAPI application: token auth, review jobs backed by PostgreSQL, Redis cache."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
import redis
from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from passlib.context import CryptContext
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker

from harness.api.models import ReviewJob, User

JWT_SECRET = os.environ["JWT_SECRET"]
ACCESS_TTL = timedelta(minutes=15)

engine = create_engine(os.environ["DATABASE_URL"], pool_size=10, pool_pre_ping=True)
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)
cache = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
passwords = CryptContext(schemes=["bcrypt"], deprecated="auto")
oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/token")

app = FastAPI(title="acme-harness", version="0.6.0")


def get_db():
    with SessionLocal() as session:
        yield session


def current_user(token: Annotated[str, Depends(oauth2)], db: Session = Depends(get_db)) -> User:
    try:
        claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"])
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from None
    user = db.get(User, int(claims["sub"]))
    if user is None or not user.active:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown user")
    return user


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/auth/token")
def issue_token(form: Annotated[OAuth2PasswordRequestForm, Depends()], db: Session = Depends(get_db)):
    user = db.scalar(select(User).where(User.email == form.username))
    if user is None or not passwords.verify(form.password, user.password_hash):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong email or password")
    expires = datetime.now(UTC) + ACCESS_TTL
    token = jwt.encode({"sub": str(user.id), "exp": expires}, JWT_SECRET, algorithm="HS256")
    return {"access_token": token, "token_type": "bearer"}


@app.get("/api/v1/reviews/{job_id}")
def get_review(job_id: int, user: Annotated[User, Depends(current_user)], db: Session = Depends(get_db)):
    key = f"review:v1:{job_id}"
    if (cached := cache.get(key)) is not None:
        job = json.loads(cached)
    else:
        row = db.get(ReviewJob, job_id)
        if row is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "review not found")
        job = row.to_dict()
        if row.finished:
            cache.set(key, json.dumps(job), ex=600)
    if job["owner_id"] != user.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "review not found")
    return job
